// Item 12: only defer statements that executed are registered. With n = 8 the
// panic runs 4 2 1.
package main

import "fmt"

func add(v int) { fmt.Println("deferred add", v) }

func f(n int) {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	defer add(1)
	if n > 5 {
		defer add(2)
		if n > 8 {
			defer add(3)
		} else {
			defer add(4)
		}
	}
	panic(fmt.Sprint("n = ", n))
}

func main() {
	for _, n := range []int{3, 8, 9} {
		f(n)
		fmt.Println("---")
	}
}
