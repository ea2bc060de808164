// Seed 000: main defers 1, 2, 3 and calls test, which defers its own print.
// test's defer runs when test returns; main's run 3 2 1 when main returns.
package main

import "fmt"

func test() {
	defer fmt.Println("xxx")
	fmt.Println("test body")
}

func main() {
	defer fmt.Println(1)
	defer fmt.Println(2)
	defer fmt.Println(3)
	test()
	fmt.Println("main body after test")
}
