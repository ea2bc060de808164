// Item 32: an index out of range is a runtime panic that can be recovered.
package main

import "fmt"

func at(xs []int, i int) (v int, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered a runtime error:", r != nil)
			v, ok = -1, false
		}
	}()
	return xs[i], true
}

func main() {
	xs := []int{10, 20, 30}
	fmt.Println(at(xs, 1))
	fmt.Println(at(xs, 5))
	fmt.Println(at(xs, 2))
}
