// Item 17: recover called from a function literal that the deferred function
// calls returns nil; the panic goes on to the next deferred call.
package main

import "fmt"

func f() {
	defer func() { fmt.Println("direct", recover()) }()
	defer func() {
		r := func() interface{} {
			return recover()
		}()
		fmt.Println("via literal", r)
	}()
	panic("P")
}

func main() {
	f()
	fmt.Println("main continues")
}
