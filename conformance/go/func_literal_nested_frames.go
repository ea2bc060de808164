// Item 10: nested function literals each run their own defers when they return.
package main

import "fmt"

func main() {
	defer fmt.Println("main defer")
	func() {
		defer fmt.Println("outer literal defer")
		func() {
			defer fmt.Println("inner literal defer")
			fmt.Println("inner literal body")
		}()
		fmt.Println("outer literal body after inner")
	}()
	r := func() (v int) {
		defer func() { v += 5 }()
		return 10
	}()
	fmt.Println("literal returned", r)
}
