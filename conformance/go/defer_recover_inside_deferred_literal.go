// Item 18: defer recover() inside a deferred function literal does recover
// (Go 1.19): the literal returns normally and the caller's guard sees nothing.
package main

import "fmt"

func f() (state string) {
	defer func() {
		if r := recover(); r != nil {
			state = fmt.Sprint("reached the caller's guard: ", r)
		}
	}()
	func() {
		defer func() {
			defer recover()
			fmt.Println("deferred literal runs")
		}()
		panic("inner")
	}()
	return "stopped by the nested defer recover()"
}

func main() {
	fmt.Println(f())
}
