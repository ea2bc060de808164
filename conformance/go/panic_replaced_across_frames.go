// Item 25: while a panic unwinds, a deferred call invokes a function that
// panics without recovering; the new panic replaces the old one and the
// caller's recover gets the new value.
package main

import "fmt"

func cleanup() {
	defer fmt.Println("cleanup's own defer")
	panic("cleanup failed")
}

func work() {
	defer fmt.Println("work's earlier defer")
	defer cleanup()
	panic("work failed")
}

func main() {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	work()
}
