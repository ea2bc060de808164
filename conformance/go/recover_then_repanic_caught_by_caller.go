// Item 27: recover, panic again with a new value; the caller's deferred
// closure recovers the new value.
package main

import "fmt"

func f() {
	defer fmt.Println("f's earlier defer runs")
	defer func() {
		r := recover()
		fmt.Println("f recovered:", r)
		panic(fmt.Sprint("re-raised after ", r))
	}()
	panic("first panic")
}

func main() {
	defer func() {
		fmt.Println("main recovered:", recover())
	}()
	f()
}
