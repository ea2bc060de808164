// Items 1, 14: nine straight-line defers (more than Go open-codes) still run
// LIFO, and a second call of the same function does the same.
package main

import "fmt"

func nine(tag string) {
	defer fmt.Println(tag, 1)
	defer fmt.Println(tag, 2)
	defer fmt.Println(tag, 3)
	defer fmt.Println(tag, 4)
	defer fmt.Println(tag, 5)
	defer fmt.Println(tag, 6)
	defer fmt.Println(tag, 7)
	defer fmt.Println(tag, 8)
	defer fmt.Println(tag, 9)
	fmt.Println(tag, "body")
}

func main() {
	nine("first")
	nine("second")
}
