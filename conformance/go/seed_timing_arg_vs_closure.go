// Seeds 002/003: timing with defer. time.Since(start) passed as an argument is
// evaluated at the defer statement (about 0); passing time.Now() as the
// argument of a literal that computes time.Since at exit measures the body.
package main

import (
	"fmt"
	"time"
)

const pause = 20 * time.Millisecond

func report(label string, d time.Duration) {
	fmt.Println(label, "measured at least the pause:", d >= pause, "under a second:", d < time.Second)
}

func timed() {
	start := time.Now()
	defer report("argument evaluated early:", time.Since(start))
	defer func(start time.Time) {
		report("literal with start argument:", time.Since(start))
	}(time.Now())
	defer func() {
		report("closure:", time.Since(start))
	}()
	time.Sleep(pause)
	fmt.Println("body slept")
}

func main() {
	timed()
}
