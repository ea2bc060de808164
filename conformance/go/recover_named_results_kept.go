// Item 16: after a recovered panic, named results keep the values they had,
// including values a deferred closure set.
package main

import "fmt"

func keep() (a int, b string) {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	a = 7
	b = "set before panic"
	panic("p")
}

func setByDefer() (a int, b string) {
	defer func() {
		if r := recover(); r != nil {
			a = -1
			b = fmt.Sprint("from defer: ", r)
		}
	}()
	a = 7
	panic("q")
}

func main() {
	a, b := keep()
	fmt.Println(a, b)
	a, b = setByDefer()
	fmt.Println(a, b)
}
