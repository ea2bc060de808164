// Item 4: each argument expression is evaluated exactly once, with its side
// effects, at the defer statement.
package main

import "fmt"

var calls int

func compute(tag string) int {
	calls++
	fmt.Println("compute", tag, "call", calls)
	return calls * 100
}

func show(label string, v int) {
	fmt.Println("show", label, v)
}

func f() {
	defer show("a", compute("a"))
	fmt.Println("after first defer, calls =", calls)
	defer show("b", compute("b"))
	fmt.Println("after second defer, calls =", calls)
}

func main() {
	f()
	fmt.Println("total calls", calls)
}
