// Items 25, 26, 31: main panics with first; one deferred call runs a cleanup
// function that panics with second (its own defer runs), an earlier one
// panics with third; nobody recovers and the report lists the whole chain.
package main

import "fmt"

func cleanup() {
	defer fmt.Println("cleanup's defer runs")
	fmt.Println("cleanup raises second")
	panic("second")
}

func main() {
	defer fmt.Println("main's first defer runs last")
	defer func() {
		fmt.Println("raising third")
		panic("third")
	}()
	defer cleanup()
	panic("first")
}
