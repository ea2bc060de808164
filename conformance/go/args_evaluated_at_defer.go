// Item 4: arguments are evaluated at the defer statement; a closure reads the
// variable when it runs.
package main

import "fmt"

func main() {
	x := 1
	defer fmt.Println("arg", x)
	defer func() { fmt.Println("closure", x) }()
	defer func(v int) { fmt.Println("param", v) }(x * 10)
	x = 2
	fmt.Println("x is now", x)
}
