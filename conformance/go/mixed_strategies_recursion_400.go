// Item 14: a recursion alternating a function with defers in a loop and a
// function with straight-line defers, 200 frames deep; each of the two defers
// of every frame does r++, so the top returns 400.
package main

import "fmt"

func loopFrame(n int) (r int) {
	if n == 0 {
		return 0
	}
	for i := 0; i < 2; i++ {
		defer func() { r++ }()
	}
	return straightFrame(n - 1)
}

func straightFrame(n int) (r int) {
	if n == 0 {
		return 0
	}
	defer func() { r++ }()
	defer func() { r++ }()
	return loopFrame(n - 1)
}

func main() {
	fmt.Println("depth 1:", loopFrame(1))
	fmt.Println("depth 2:", loopFrame(2))
	fmt.Println("depth 7 from straight:", straightFrame(7))
	fmt.Println("depth 200:", loopFrame(200))
}
