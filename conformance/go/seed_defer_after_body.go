// Seed 001: a deferred call runs after the body, just before the function returns.
package main

import "fmt"

func main() {
	defer fmt.Println("this is a defer")
	fmt.Println("this is a test")
}
