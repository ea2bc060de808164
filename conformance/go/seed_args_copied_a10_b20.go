// Seed 001: arguments are copied at the defer statement; later assignments
// to a and b do not reach the deferred literal.
package main

import "fmt"

func main() {
	a := 10
	b := 20
	defer func(a, b int) {
		fmt.Printf("a = %d, b = %d\n", a, b)
	}(a, b)
	a = 111
	b = 222
	fmt.Printf("outer: a = %d, b = %d\n", a, b)
}
