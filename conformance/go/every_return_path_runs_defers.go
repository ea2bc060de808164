// Item 8: every exit path sets the result first, then runs the defers.
package main

import "fmt"

func classify(n int) (s string) {
	defer func() { s = "[" + s + "]" }()
	if n < 0 {
		return "negative"
	}
	if n == 0 {
		return "zero"
	}
	for i := 2; i < n; i++ {
		if n%i == 0 {
			return "composite"
		}
	}
	s = "prime or one"
	return
}

func main() {
	for _, n := range []int{-5, 0, 1, 7, 9} {
		fmt.Println(n, classify(n))
	}
}
