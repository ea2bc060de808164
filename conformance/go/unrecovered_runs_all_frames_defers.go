// Item 31: every deferred call of every frame runs before the report of an
// unrecovered panic, innermost frame first.
package main

import "fmt"

func c() {
	defer fmt.Println("c defer")
	panic("deep failure")
}

func b() {
	defer fmt.Println("b defer 1")
	defer fmt.Println("b defer 2")
	c()
}

func a() {
	for i := 0; i < 2; i++ {
		defer fmt.Println("a loop defer", i)
	}
	b()
}

func main() {
	defer fmt.Println("main defer")
	fmt.Println("main starts")
	a()
}
