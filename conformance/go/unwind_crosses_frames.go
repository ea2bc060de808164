// Item 23: unwinding crosses frames innermost first: h's defers, then g's,
// then main's, where a recover stops it.
package main

import "fmt"

func h() {
	defer fmt.Println("h defer 1")
	defer fmt.Println("h defer 2")
	fmt.Println("h panics")
	panic("from h")
}

func g() {
	defer fmt.Println("g defer")
	h()
	fmt.Println("g: not reached")
}

func run() {
	defer func() {
		fmt.Println("run recovered:", recover())
	}()
	defer fmt.Println("run defer")
	g()
	fmt.Println("run: not reached")
}

func main() {
	run()
	fmt.Println("main continues")
}
