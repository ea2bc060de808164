// Item 17: recover only works when called directly by the deferred function.
// Through a helper it returns nil and the panic goes on.
package main

import "fmt"

func helper() interface{} {
	return recover()
}

func f() {
	defer func() { fmt.Println("direct", recover()) }()
	defer func() { fmt.Println("via helper", helper()) }()
	panic("P")
}

func main() {
	f()
	fmt.Println("main continues")
}
