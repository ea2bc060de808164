// Item 32: integer division by zero is a runtime panic like any other and can
// be recovered.
package main

import "fmt"

func div(a, b int) (q int, failed bool) {
	defer func() {
		if r := recover(); r != nil {
			failed = true
		}
	}()
	return a / b, false
}

func main() {
	fmt.Println(div(7, 2))
	fmt.Println(div(7, 0))
}
