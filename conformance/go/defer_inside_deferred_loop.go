// Items 11, 3: a deferred call that registers defers in a loop; they run when
// the deferred call returns, in reverse.
package main

import "fmt"

func f() {
	defer fmt.Println("f's first defer")
	defer func() {
		for i := 0; i < 3; i++ {
			defer fmt.Println("inner loop defer", i)
		}
		fmt.Println("deferred call registered 3")
	}()
	fmt.Println("f body")
}

func main() {
	f()
}
