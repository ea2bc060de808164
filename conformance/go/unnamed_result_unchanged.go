// Item 8: with an unnamed result, the deferred change of a local variable does
// not reach the caller: return copied the value first.
package main

import "fmt"

func f() int {
	x := 3
	defer func() {
		x *= 2
		fmt.Println("deferred x =", x)
	}()
	return x
}

func main() {
	fmt.Println("f:", f())
}
