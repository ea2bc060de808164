// Items 1, 3, 23: during a panic, a frame's straight-line and loop defers run
// in reverse order of registration, then the caller's.
package main

import "fmt"

func inner() {
	defer fmt.Println("inner straight 1")
	for i := 0; i < 3; i++ {
		defer fmt.Println("inner loop", i)
	}
	defer fmt.Println("inner straight 2")
	panic("inner failed")
}

func main() {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	defer fmt.Println("main defer")
	inner()
}
