// Seed 001: the first three quiz functions. Answers: 1, 5, 1.
package main

import "fmt"

// Quiz 1: result is set to 0, the deferred closure increments it.
func quiz1() (result int) {
	defer func() {
		result++
	}()
	return 0
}

// Quiz 2: r is set from t (5); the deferred closure changes only t.
func quiz2() (r int) {
	t := 5
	defer func() {
		t = t + 5
	}()
	return t
}

// Quiz 3: r is passed by value (0) to the deferred literal; its own r is a copy.
func quiz3() (r int) {
	defer func(r int) {
		r = r + 5
	}(r)
	return 1
}

func main() {
	fmt.Println("quiz1:", quiz1())
	fmt.Println("quiz2:", quiz2())
	fmt.Println("quiz3:", quiz3())
}
