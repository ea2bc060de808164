// Seed 000: the loop pitfall. "Opening" 10000 files in a loop with a deferred
// Close keeps every one open until the function returns.
package main

import "fmt"

var open, maxOpen, closed int

type file struct{ id int }

func openFile(id int) *file {
	open++
	if open > maxOpen {
		maxOpen = open
	}
	return &file{id}
}

func (f *file) Close() {
	open--
	closed++
}

func processAll() {
	for i := 0; i < 10000; i++ {
		f := openFile(i)
		defer f.Close()
	}
	fmt.Println("loop done, open now:", open)
}

func main() {
	processAll()
	fmt.Println("after return, open:", open, "closed:", closed)
	fmt.Println("max open at once:", maxOpen)
}
