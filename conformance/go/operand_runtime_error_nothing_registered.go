// Items 7, 32: a runtime error (integer division by zero) while evaluating a
// defer argument registers nothing; the earlier defer runs and the caller
// recovers the runtime error.
package main

import "fmt"

var zero = 0

func f() {
	defer fmt.Println("earlier defer runs")
	defer fmt.Println("never registered", 10/zero)
	fmt.Println("not reached")
}

func main() {
	defer func() {
		r := recover()
		fmt.Println("recovered a runtime error:", r != nil)
	}()
	f()
}
