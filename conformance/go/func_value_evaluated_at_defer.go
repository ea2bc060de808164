// Item 5: the function value is evaluated at the defer statement.
package main

import "fmt"

func a() { fmt.Println("a runs") }
func b() { fmt.Println("b runs") }

func f() {
	g := a
	defer g()
	g = b
	g()
	fmt.Println("f body ends")
}

func main() {
	f()
}
