// Item 25: first is replaced by second, second by third; the recover gets
// third and nothing else.
package main

import "fmt"

func f() {
	defer func() {
		fmt.Println("recovered:", recover())
		fmt.Println("again:", recover())
	}()
	defer func() { panic("third") }()
	defer func() { panic("second") }()
	panic("first")
}

func main() {
	f()
	fmt.Println("main continues")
}
