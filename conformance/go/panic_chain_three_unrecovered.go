// Items 25, 26: first replaced by second then third, nobody recovers: every
// deferred call runs, and the report lists the chain oldest first.
package main

import "fmt"

func f() {
	defer fmt.Println("f's first defer runs last")
	defer func() {
		fmt.Println("raising third")
		panic("third")
	}()
	defer func() {
		fmt.Println("raising second")
		panic("second")
	}()
	panic("first")
}

func main() {
	defer fmt.Println("main's defer runs")
	f()
}
