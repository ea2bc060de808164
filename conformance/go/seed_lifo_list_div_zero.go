// Seed 001 as written: defer test(0) divides 100 by a zero variable when it runs.
// cccc runs first, then test(0) panics (runtime error), the remaining defers
// bbbb and aaaa still run, and the unrecovered panic ends the process.
package main

import "fmt"

func test(x int) {
	result := 100 / x
	fmt.Println("result =", result)
}

func main() {
	defer fmt.Println("aaaaaaaaaaaaaa")
	defer fmt.Println("bbbbbbbbbbbbbb")
	defer test(0)
	defer fmt.Println("ccccccccccccccc")
	fmt.Println("main body done")
}
