// Item 29: a defer inside a deferred function recovers the inner panic (2),
// while the outer function's earlier defer still recovers the outer one (1).
package main

import "fmt"

func f() {
	defer func() {
		fmt.Println("outer recovered:", recover())
	}()
	defer func() {
		defer func() {
			fmt.Println("inner recovered:", recover())
		}()
		panic(2)
	}()
	panic(1)
}

func main() {
	f()
	fmt.Println("main continues")
}
