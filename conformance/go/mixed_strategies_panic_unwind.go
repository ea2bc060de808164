// Items 14, 23: a panic at the bottom of a recursion that alternates loop
// defers and straight-line defers runs every frame's defers, innermost frame
// first and LIFO within a frame; the top frame recovers.
package main

import "fmt"

var ran int

func loopFrame(n int) {
	if n == 0 {
		panic("bottom")
	}
	for i := 0; i < 2; i++ {
		defer func(i int) {
			ran++
			fmt.Println("loop frame", n, "defer", i)
		}(i)
	}
	straightFrame(n - 1)
}

func straightFrame(n int) {
	if n == 0 {
		panic("bottom")
	}
	defer func() {
		ran++
		fmt.Println("straight frame", n, "defer a")
	}()
	defer func() {
		ran++
		fmt.Println("straight frame", n, "defer b")
	}()
	loopFrame(n - 1)
}

func top() (r int) {
	defer func() {
		fmt.Println("recovered:", recover())
		r = ran
	}()
	loopFrame(6)
	return -1
}

func main() {
	fmt.Println("defers that ran:", top())
}
