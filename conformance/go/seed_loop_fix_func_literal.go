// Seed 000: the fix for the loop pitfall. A function literal per iteration
// owns the defer, so each file closes before the next opens.
package main

import "fmt"

var open, maxOpen, closed int

type file struct{ id int }

func openFile(id int) (*file, error) {
	if id%1000 == 999 {
		return nil, fmt.Errorf("cannot open %d", id)
	}
	open++
	if open > maxOpen {
		maxOpen = open
	}
	return &file{id}, nil
}

func (f *file) Close() {
	open--
	closed++
}

func processAll() {
	failures := 0
	for i := 0; i < 10000; i++ {
		func() {
			f, err := openFile(i)
			if err != nil {
				failures++
				return
			}
			defer f.Close()
		}()
	}
	fmt.Println("loop done, open now:", open, "failures:", failures)
}

func main() {
	processAll()
	fmt.Println("after return, open:", open, "closed:", closed)
	fmt.Println("max open at once:", maxOpen)
}
