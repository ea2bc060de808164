// Seed 002 (defer1): a deferred literal recovers the panic of its function
// and logs it; the caller goes on normally.
package main

import "fmt"

func defer1() {
	defer func() {
		if err := recover(); err != nil {
			fmt.Println("recovered:", err)
		}
	}()
	fmt.Println("about to panic")
	panic("panic")
}

func main() {
	defer1()
	fmt.Println("main continues after defer1")
}
