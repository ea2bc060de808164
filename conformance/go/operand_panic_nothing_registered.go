// Item 7: if evaluating the operands of a defer panics, nothing is registered;
// the panic starts at the defer statement and earlier defers still run.
package main

import "fmt"

func boom() int {
	fmt.Println("boom evaluated")
	panic("operand failed")
}

func f() {
	defer fmt.Println("earlier defer runs")
	defer fmt.Println("never registered", boom())
	fmt.Println("not reached")
}

func main() {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	f()
	fmt.Println("not reached either")
}
