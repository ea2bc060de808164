// Seed 001: the LIFO list, with test(1) so that no division by zero happens.
// Registered aaaa, bbbb, test(1), cccc; they run cccc, test, bbbb, aaaa.
package main

import "fmt"

func test(x int) {
	result := 100 / x
	fmt.Println("result =", result)
}

func main() {
	defer fmt.Println("aaaaaaaaaaaaaa")
	defer fmt.Println("bbbbbbbbbbbbbb")
	defer test(1)
	defer fmt.Println("ccccccccccccccc")
	fmt.Println("main body done")
}
