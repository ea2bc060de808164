// Items 22, 31: a deferred call panics during a normal return and nobody
// recovers; the remaining defers of every frame run, then the report.
package main

import "fmt"

func f() (r int) {
	defer fmt.Println("f's earlier defer runs")
	defer func() {
		fmt.Println("deferred call sees r =", r)
		panic("late failure")
	}()
	return 5
}

func main() {
	defer fmt.Println("main's defer runs")
	fmt.Println("f returned", f())
}
