// Item 27: recover and re-raise the same value; nobody recovers it.
package main

import "fmt"

func f() {
	defer func() {
		r := recover()
		fmt.Println("recovered:", r, "re-raising it")
		panic(r)
	}()
	panic("same value")
}

func main() {
	defer fmt.Println("main's defer runs")
	f()
}
