// Seed 001/003: with a pointer receiver the pointer is copied at the defer
// statement, so the deferred call sees the later change: prints 1.
package main

import "fmt"

type Test struct {
	value int
}

func (t *Test) print() {
	fmt.Println("pointer receiver sees", t.value)
}

func main() {
	test := Test{}
	defer test.print()
	test.value += 1
	fmt.Println("main set value to", test.value)
}
