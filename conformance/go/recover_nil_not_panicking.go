// Item 15: recover returns nil when nothing is panicking, also inside a
// deferred call on a normal return.
package main

import "fmt"

func f() {
	defer func() {
		fmt.Println("in defer on normal return:", recover())
	}()
	fmt.Println("in body:", recover())
}

func main() {
	fmt.Println("in main:", recover())
	f()
	fmt.Println("after f")
}
