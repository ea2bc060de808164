// Item 27: recover, then panic again with a new value in the same deferred
// call; nobody recovers the second one. The report marks the first as
// recovered.
package main

import "fmt"

func f() {
	defer fmt.Println("f's earlier defer runs")
	defer func() {
		r := recover()
		fmt.Println("recovered:", r)
		panic("second panic")
	}()
	panic("first panic")
}

func main() {
	defer fmt.Println("main's defer runs")
	f()
}
