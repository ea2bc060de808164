// Seed 001: the interview question. Three deferred prints, then a panic that
// nobody recovers: the three lines print first (LIFO), then the panic report.
package main

import "fmt"

func deferCall() {
	defer func() { fmt.Println("before") }()
	defer func() { fmt.Println("middle") }()
	defer func() { fmt.Println("after") }()
	panic("trigger")
}

func main() {
	deferCall()
	fmt.Println("not reached")
}
