// Seed 001, written so that every Go version agrees: the closures share one
// variable declared outside the loop and print its final value at exit.
package main

import "fmt"

func run() {
	i := 0
	for i = 0; i < 5; i++ {
		defer func() {
			fmt.Println("closure sees", i)
		}()
	}
	i = 100
	fmt.Println("i set to", i)
}

func main() {
	run()
}
