// Item 33: while main is panicking and inside its deferred call, a goroutine
// started there sees no panic: its recover returns nil; its own panic is its
// own. Main then recovers its own value.
package main

import (
	"fmt"
	"sync"
)

func probe(out *[2]string, wg *sync.WaitGroup) {
	defer wg.Done()
	func() {
		defer func() { out[0] = fmt.Sprint("goroutine recover on normal return: ", recover()) }()
	}()
	func() {
		defer func() { out[1] = fmt.Sprint("goroutine recovered its own: ", recover()) }()
		panic("goroutine value")
	}()
}

func run() {
	defer func() {
		var out [2]string
		var wg sync.WaitGroup
		wg.Add(1)
		go probe(&out, &wg)
		wg.Wait()
		fmt.Println(out[0])
		fmt.Println(out[1])
		fmt.Println("main recovered:", recover())
	}()
	panic("main value")
}

func main() {
	run()
	fmt.Println("main continues")
}
