//go:build go1.19

// Seed 001: deferred closures read the loop variable when they run.
// With Go 1.19 the loop has one variable i for all iterations, so all five
// closures print its final value 5. Go 1.22+ gives each iteration its own i
// in code of its language version; the build line above is meant to hold this
// file to the old rule there (recorded and verified with Go 1.19 only).
package main

import "fmt"

func run() {
	for i := 0; i < 5; i++ {
		defer func() {
			fmt.Println(i)
		}()
	}
	fmt.Println("registered")
}

func main() {
	run()
}
