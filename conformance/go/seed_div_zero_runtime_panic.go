// Seed 000 (test): x / y with y == 0 held in a variable is a runtime panic;
// the deferred print still runs before the unrecovered panic is reported.
package main

import "fmt"

func test() {
	defer fmt.Println("haha...")
	x, y := 5, 0
	z := x / y
	fmt.Println(z)
}

func main() {
	defer fmt.Println("main's defer runs")
	test()
	fmt.Println("not reached")
}
