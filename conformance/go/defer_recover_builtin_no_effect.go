// Item 18: defer recover() as the deferred call itself does not stop the panic.
package main

import "fmt"

func f() {
	defer fmt.Println("f's other defer runs")
	defer recover()
	panic("not stopped by defer recover()")
}

func main() {
	defer func() {
		fmt.Println("main recovered:", recover())
	}()
	f()
	fmt.Println("not reached")
}
