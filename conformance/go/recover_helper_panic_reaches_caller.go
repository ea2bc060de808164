// Items 17, 23: a deferred call whose helper calls recover does not stop the
// panic; it reaches the caller, whose deferred closure recovers it.
package main

import "fmt"

func tryRecover(where string) {
	fmt.Println(where, "helper got", recover())
}

func inner() {
	defer func() {
		tryRecover("inner")
		fmt.Println("inner defer done")
	}()
	panic("escapes the helper")
}

func main() {
	defer func() {
		fmt.Println("main recovered:", recover())
	}()
	inner()
	fmt.Println("not reached")
}
