// Seed 001 (main01): a deferred closure without parameters reads a and b
// when it runs, so it sees the later values 111 and 222.
package main

import "fmt"

func main() {
	a := 10
	b := 20
	defer func() {
		fmt.Printf("a = %d, b = %d\n", a, b)
	}()
	a = 111
	b = 222
	fmt.Printf("outer: a = %d, b = %d\n", a, b)
}
