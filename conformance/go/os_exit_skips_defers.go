// Item 34: os.Exit runs no deferred call, in this frame or any caller's.
package main

import (
	"fmt"
	"os"
)

func leave() {
	defer fmt.Println("leave's defer never runs")
	fmt.Println("exiting with status 0")
	os.Exit(0)
}

func main() {
	defer fmt.Println("main's defer never runs")
	fmt.Println("main starts")
	leave()
	fmt.Println("not reached")
}
