// Item 1: deferred calls run last in, first out when the function returns.
package main

import "fmt"

func f() {
	defer fmt.Println(1)
	defer fmt.Println(2)
	defer fmt.Println(3)
	fmt.Println("body")
}

func main() {
	f()
	fmt.Println("after f")
}
