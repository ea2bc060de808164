// Items 31, 32: an index out of range that nobody recovers; the deferred
// calls run, then the runtime error is reported.
package main

import "fmt"

func get(xs []int, i int) int {
	defer fmt.Println("get's defer runs")
	return xs[i]
}

func main() {
	defer fmt.Println("main's defer runs")
	xs := []int{1, 2, 3}
	fmt.Println(get(xs, 0))
	fmt.Println(get(xs, 3))
}
