// Seed 001: passing i as an argument evaluates it at the defer statement:
// the deferred literals print 4 3 2 1 0.
package main

import "fmt"

func run() {
	for i := 0; i < 5; i++ {
		defer func(idx int) {
			fmt.Println(idx)
		}(i)
	}
	fmt.Println("registered")
}

func main() {
	run()
}
