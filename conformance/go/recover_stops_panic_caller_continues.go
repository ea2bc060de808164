// Item 16: a deferred call that calls recover directly stops the panic; the
// function returns normally and its caller goes on.
package main

import "fmt"

func f() {
	defer func() {
		r := recover()
		fmt.Println("recovered:", r)
	}()
	fmt.Println("f panics")
	panic("stop me")
}

func main() {
	f()
	fmt.Println("main continues")
	f()
	fmt.Println("main continues again")
}
