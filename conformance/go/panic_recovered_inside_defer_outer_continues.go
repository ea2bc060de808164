// Item 28: a panic raised and recovered entirely inside a deferred call leaves
// the outer panic running; the caller recovers the outer value.
package main

import "fmt"

func mayPanic() {
	defer func() {
		fmt.Println("inner recovered:", recover())
	}()
	panic("inner")
}

func f() {
	defer fmt.Println("f's earlier defer runs")
	defer func() {
		mayPanic()
		fmt.Println("deferred call finished")
	}()
	panic("outer")
}

func main() {
	defer func() {
		fmt.Println("main recovered:", recover())
	}()
	f()
}
