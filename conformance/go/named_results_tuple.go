// Item 8: several named results, all changed by deferred calls after return.
package main

import "fmt"

func pair() (a int, b string) {
	defer func() {
		a++
		b += "!"
	}()
	defer func() {
		a *= 10
	}()
	return 1, "x"
}

func main() {
	a, b := pair()
	fmt.Println(a, b)
}
