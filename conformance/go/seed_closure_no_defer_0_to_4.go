// Seed 001: without defer, a function literal called at once prints 0 1 2 3 4.
package main

import "fmt"

func main() {
	for i := 0; i < 5; i++ {
		func() {
			fmt.Println(i)
		}()
	}
}
