// Item 2: defers inside if, switch, a bare block and a loop body all run when
// the function returns, after everything the function printed.
package main

import "fmt"

func f(n int) {
	if n > 0 {
		defer fmt.Println("deferred in if")
		fmt.Println("if ends")
	}
	switch n {
	case 1:
		defer fmt.Println("deferred in case 1")
		fmt.Println("case 1 ends")
	default:
		defer fmt.Println("deferred in default")
		fmt.Println("default ends")
	}
	{
		defer fmt.Println("deferred in block")
		fmt.Println("block ends")
	}
	for i := 0; i < 2; i++ {
		defer fmt.Println("deferred in loop", i)
		fmt.Println("loop iteration ends", i)
	}
	fmt.Println("function body ends")
}

func main() {
	f(1)
	fmt.Println("---")
	f(2)
}
