// Seed 002: lock, then defer the unlock. After the function returns the mutex
// is free again; a function that panics while holding it also unlocks it.
package main

import (
	"fmt"
	"sync"
)

var lock sync.Mutex
var counter int

func defer0() {
	lock.Lock()
	defer lock.Unlock()
	counter++
	fmt.Println("in defer0, locked by us, try lock:", lock.TryLock())
}

func panicsWhileLocked() {
	defer func() {
		fmt.Println("recovered:", recover())
	}()
	lock.Lock()
	defer lock.Unlock()
	counter++
	panic("fail while locked")
}

func main() {
	defer0()
	fmt.Println("after defer0, try lock:", lock.TryLock())
	lock.Unlock()
	panicsWhileLocked()
	fmt.Println("after panicsWhileLocked, try lock:", lock.TryLock())
	lock.Unlock()
	fmt.Println("counter:", counter)
}
