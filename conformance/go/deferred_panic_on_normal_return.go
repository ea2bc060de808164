// Item 22: a panic raised by a deferred call during a normal return is an
// ordinary panic: an earlier-registered defer recovers it and sets r = -1.
package main

import "fmt"

func f() (r int) {
	defer func() {
		if e := recover(); e != nil {
			fmt.Println("recovered:", e, "r was", r)
			r = -1
		}
	}()
	defer func() {
		fmt.Println("deferred call sees r =", r)
		panic("late failure")
	}()
	return 5
}

func main() {
	fmt.Println("f returned", f())
}
