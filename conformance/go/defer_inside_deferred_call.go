// Item 11: defers registered inside a running deferred call run when that
// deferred call returns, before the outer function's next defer.
package main

import "fmt"

func f() {
	defer fmt.Println("outer defer 1 (registered first)")
	defer func() {
		defer fmt.Println("inner defer a")
		defer fmt.Println("inner defer b")
		fmt.Println("outer defer 2 body")
	}()
	defer fmt.Println("outer defer 3 (registered last)")
	fmt.Println("f body")
}

func main() {
	f()
	fmt.Println("f returned")
}
