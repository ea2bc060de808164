// Item 30: recover, wrap and rethrow: bad becomes wrap: bad for the next
// recover up the stack.
package main

import "fmt"

func inner() {
	defer func() {
		if e := recover(); e != nil {
			panic("wrap: " + e.(string))
		}
	}()
	panic("bad")
}

func middle() {
	defer func() {
		if e := recover(); e != nil {
			panic("middle: " + e.(string))
		}
	}()
	inner()
}

func main() {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	func() {
		defer func() {
			fmt.Println("recovered:", recover())
		}()
		inner()
	}()
	middle()
}
