// Seed 002: deferWithReturn1/2/3 return -99, -100, -99.
package main

import "fmt"

// The deferred closure increments the named result after return set it.
func deferWithReturn1() (res int) {
	defer func() {
		res++
	}()
	return -100
}

// The literal gets a copy of res (0) at the defer statement.
func deferWithReturn2() (res int) {
	defer func(res int) {
		res++
	}(res)
	return -100
}

// The literal gets the address of res and increments the result itself.
func deferWithReturn3() (res int) {
	defer func(res *int) {
		*res++
	}(&res)
	return -100
}

func main() {
	fmt.Println(deferWithReturn1())
	fmt.Println(deferWithReturn2())
	fmt.Println(deferWithReturn3())
}
