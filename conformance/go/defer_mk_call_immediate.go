// Item 5: defer mk()() calls mk at the defer statement and defers the
// function it returns.
package main

import "fmt"

func mk(tag string) func() {
	fmt.Println("mk called with", tag)
	return func() { fmt.Println("made function runs:", tag) }
}

func f() {
	defer mk("first")()
	fmt.Println("body after first defer")
	defer mk("second")()
	fmt.Println("body ends")
}

func main() {
	f()
}
