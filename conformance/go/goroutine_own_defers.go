// Item 33: each goroutine has its own defers: each worker's deferred calls run
// when that worker returns, in its own LIFO order.
package main

import (
	"fmt"
	"strings"
	"sync"
)

func worker(id int, out *[]string, wg *sync.WaitGroup) {
	defer wg.Done()
	var log []string
	defer func() { *out = log }()
	for i := 0; i < 3; i++ {
		defer func(i int) { log = append(log, fmt.Sprint("w", id, "-d", i)) }(i)
	}
	log = append(log, fmt.Sprint("w", id, "-body"))
}

func main() {
	const n = 4
	results := make([][]string, n)
	var wg sync.WaitGroup
	for id := 0; id < n; id++ {
		wg.Add(1)
		go worker(id, &results[id], &wg)
	}
	wg.Wait()
	for id := 0; id < n; id++ {
		fmt.Println(strings.Join(results[id], " "))
	}
}
