// Seed 001/003: a value receiver is copied at the defer statement: prints 0.
package main

import "fmt"

type Test struct {
	value int
}

func (t Test) print() {
	fmt.Println("value receiver sees", t.value)
}

func main() {
	test := Test{}
	defer test.print()
	test.value += 1
	fmt.Println("main set value to", test.value)
}
