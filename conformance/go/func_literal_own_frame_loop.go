// Item 10: a function literal is its own function: its defers run when it
// returns, in every iteration: use 0, close 0, use 1, close 1.
package main

import "fmt"

func main() {
	defer fmt.Println("main's defer last")
	for i := 0; i < 2; i++ {
		func() {
			defer fmt.Println("close", i)
			fmt.Println("use", i)
		}()
	}
	fmt.Println("loop done")
}
