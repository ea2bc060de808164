// Item 8: a deferred closure changes the named result after return set it.
package main

import "fmt"

func f() (r int) {
	defer func() { r *= 2 }()
	return 3
}

func g() (r int) {
	defer func() { r *= 2 }()
	defer func() { r += 10 }()
	return 3
}

func main() {
	fmt.Println("f:", f())
	fmt.Println("g:", g())
}
