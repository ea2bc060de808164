// Items 11, 8: a deferred closure registers its own defer, which changes the
// outer function's named result before the outer function returns.
package main

import "fmt"

func f() (r int) {
	defer func() {
		r += 1
		fmt.Println("outer defer 1, r =", r)
	}()
	defer func() {
		defer func() {
			r *= 3
			fmt.Println("inner defer, r =", r)
		}()
		r += 100
		fmt.Println("outer defer 2, r =", r)
	}()
	return 2
}

func main() {
	fmt.Println("f:", f())
}
