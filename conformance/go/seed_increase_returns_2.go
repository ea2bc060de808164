// Seed 001: the three steps of return. ret = d, then the deferred ret++, then return.
package main

import "fmt"

func increase(d int) (ret int) {
	defer func() {
		ret++
	}()
	return d
}

func main() {
	fmt.Println(increase(1))
	fmt.Println(increase(41))
}
