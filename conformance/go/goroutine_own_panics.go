// Item 33: each goroutine has its own panics: every worker panics with its own
// value and recovers exactly that value.
package main

import (
	"fmt"
	"sync"
)

func worker(id int, out *string, wg *sync.WaitGroup) {
	defer wg.Done()
	defer func() {
		*out = fmt.Sprint("worker ", id, " recovered: ", recover())
	}()
	if id%2 == 0 {
		panic(fmt.Sprint("panic of worker ", id))
	}
}

func main() {
	const n = 6
	results := make([]string, n)
	var wg sync.WaitGroup
	for id := 0; id < n; id++ {
		wg.Add(1)
		go worker(id, &results[id], &wg)
	}
	wg.Wait()
	for _, r := range results {
		fmt.Println(r)
	}
	fmt.Println("main recover:", recover())
}
