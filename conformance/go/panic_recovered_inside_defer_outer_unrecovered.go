// Item 28: a panic raised and recovered inside a deferred call; the outer
// panic is never recovered and the report names it alone.
package main

import "fmt"

func f() {
	defer func() {
		func() {
			defer func() {
				fmt.Println("inner recovered:", recover())
			}()
			panic("inner")
		}()
		fmt.Println("deferred call finished")
	}()
	panic("outer")
}

func main() {
	defer fmt.Println("main's defer runs")
	f()
}
