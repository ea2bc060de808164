// Seed 000 (example): lock inside a function literal called per iteration;
// the deferred unlock runs at the end of each literal, so the next iteration
// can lock again.
package main

import (
	"fmt"
	"sync"
)

func example() {
	var m sync.Mutex
	for i := 0; i < 5; i++ {
		func() {
			m.Lock()
			defer m.Unlock()
			fmt.Println(i)
		}()
	}
	fmt.Println("free at end:", m.TryLock())
}

func main() {
	example()
}
