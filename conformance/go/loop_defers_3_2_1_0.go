// Item 3: a loop registers one deferred call per iteration; all are held
// until the function returns and then run 3 2 1 0.
package main

import "fmt"

func f() {
	for i := 0; i < 4; i++ {
		defer fmt.Println("deferred", i)
		fmt.Println("registered", i)
	}
	fmt.Println("loop finished")
}

func main() {
	f()
	fmt.Println("f returned")
}
