// Item 25: a panic raised in a deferred call while another panic runs
// replaces it; the next recover gets the new value and remaining defers run.
package main

import "fmt"

func f() {
	defer func() { fmt.Println("recovered:", recover()) }()
	defer fmt.Println("remaining defer still runs")
	defer func() {
		fmt.Println("deferred call panics during the first panic")
		panic("second")
	}()
	panic("first")
}

func main() {
	f()
	fmt.Println("main continues")
}
