// Item 19: a closure deferred inside a deferred function is not called
// directly by the panic sequence and does not recover the outer panic.
package main

import "fmt"

func f() {
	defer func() {
		defer func() {
			fmt.Println("nested deferred closure got", recover())
		}()
		fmt.Println("outer deferred function runs")
	}()
	panic("outer panic")
}

func main() {
	defer func() {
		fmt.Println("main recovered:", recover())
	}()
	f()
	fmt.Println("not reached")
}
