// Seed 002: TestWithDefer computes a sum and reports its cost through a named
// result set by a deferred literal whose argument is the start time. The body
// leaves cost at -1 so that the output shows the deferred literal replaced it.
package main

import (
	"fmt"
	"time"
)

func withoutDefer() (sum int, cost time.Duration) {
	start := time.Now()
	for i := 0; i < 10000; i++ {
		sum += i
	}
	cost = time.Since(start)
	return
}

func withDefer() (sum int, cost time.Duration) {
	defer func(start time.Time) {
		cost = time.Since(start)
	}(time.Now())
	for i := 0; i < 10000; i++ {
		sum += i
	}
	cost = -1
	return
}

func main() {
	s1, c1 := withoutDefer()
	s2, c2 := withDefer()
	fmt.Println("without defer: sum", s1, "cost under a second:", c1 < time.Second)
	fmt.Println("with defer: sum", s2, "cost set by the defer:", c2 >= 0, "cost under a second:", c2 < time.Second)
}
