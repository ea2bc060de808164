// Item 17: the deferred function may be a closure held in a variable; it is
// still the deferred function, so its recover call is direct and recovers.
package main

import "fmt"

func f() (status string) {
	guard := func() {
		if r := recover(); r != nil {
			status = fmt.Sprint("guard recovered: ", r)
		}
	}
	defer guard()
	status = "no panic"
	panic("held in a variable")
}

func main() {
	fmt.Println(f())
}
