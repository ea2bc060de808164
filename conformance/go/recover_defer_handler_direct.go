// Item 17: defer handler(), where handler itself calls recover, does recover:
// handler is the deferred function.
package main

import "fmt"

func handler() {
	if r := recover(); r != nil {
		fmt.Println("handler recovered:", r)
	} else {
		fmt.Println("handler found no panic")
	}
}

func f(fail bool) {
	defer handler()
	fmt.Println("f body, fail =", fail)
	if fail {
		panic("handled")
	}
}

func main() {
	f(true)
	f(false)
	fmt.Println("main continues")
}
