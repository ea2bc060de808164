// Seeds 001/002/003: five defers registered in a loop run 4 3 2 1 0.
package main

import "fmt"

func loop() {
	for i := 0; i < 5; i++ {
		defer fmt.Println(i)
	}
	fmt.Println("loop registered 5 defers")
}

func main() {
	loop()
	fmt.Println("main continues")
}
