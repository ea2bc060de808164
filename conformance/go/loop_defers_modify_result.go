// Items 3, 8: deferred literals registered in a loop each change the named
// result; they run in reverse so the digits come out reversed.
package main

import "fmt"

func digits(n int) (r int) {
	for i := 1; i <= n; i++ {
		defer func(v int) {
			r = r*10 + v
			fmt.Println("step", v, "r =", r)
		}(i)
	}
	return 0
}

func counted(n int) (r int) {
	for i := 0; i < n; i++ {
		defer func() { r++ }()
	}
	return 1000
}

func main() {
	fmt.Println("digits(5):", digits(5))
	fmt.Println("counted(0):", counted(0))
	fmt.Println("counted(37):", counted(37))
}
