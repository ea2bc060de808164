// Item 3: nested loops register one call per inner iteration, run in exact
// reverse order of registration.
package main

import "fmt"

func f() {
	for i := 0; i < 3; i++ {
		for j := 0; j < 2; j++ {
			defer fmt.Println("deferred", i, j)
		}
	}
	fmt.Println("loops finished")
}

func main() {
	f()
}
