// Item 8: a bare return with named results set in the body; the deferred
// closure sees and changes them.
package main

import "fmt"

func f(n int) (sum int, count int) {
	defer func() {
		fmt.Println("deferred sees", sum, count)
		sum = -sum
	}()
	for i := 1; i <= n; i++ {
		sum += i
		count++
	}
	return
}

func main() {
	s, c := f(4)
	fmt.Println("result", s, c)
}
