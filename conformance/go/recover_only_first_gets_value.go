// Item 20: only the first recover gets the value; a second call and every
// later deferred call get nil.
package main

import "fmt"

func f() {
	defer func() { fmt.Println("earlier deferred call:", recover()) }()
	defer func() {
		fmt.Println("first recover:", recover())
		fmt.Println("second recover:", recover())
	}()
	panic("only once")
}

func main() {
	f()
	fmt.Println("main continues")
}
