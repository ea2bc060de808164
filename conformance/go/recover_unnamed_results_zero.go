// Item 16: after a recovered panic, unnamed results are the zero values.
package main

import "fmt"

func f() (int, string, bool) {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	x := 5
	if x > 0 {
		panic("p")
	}
	return x, "never", true
}

func main() {
	n, s, ok := f()
	fmt.Printf("%d %q %v\n", n, s, ok)
}
