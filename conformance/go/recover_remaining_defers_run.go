// Item 21: after a deferred call recovers, the function's remaining defers
// still run, LIFO, then it returns normally.
package main

import "fmt"

func f() (r int) {
	defer func() {
		r += 1
		fmt.Println("defer 1, r =", r)
	}()
	defer func() {
		r += 10
		fmt.Println("defer 2, r =", r)
	}()
	defer func() {
		fmt.Println("defer 3 recovers:", recover())
		r = 100
	}()
	defer func() {
		fmt.Println("defer 4 runs first, still panicking")
	}()
	panic("stop")
}

func main() {
	fmt.Println("f returned", f())
}
