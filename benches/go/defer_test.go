// Package deferbench holds the Go side of godefer's benchmarks: the same scenarios, with the
// same shapes, as benches/defer.rs (see benches/common/mod.rs). Run by benches/compare:
//
//	go test -run '^$' -bench . -benchmem
//
// Which strategy Go picks for each defer is printed by
//
//	go test -run '^$' -bench . -gcflags=-d=defer
//
// (defer1, defer8 and panicRecover: open-coded; defer9: stack-allocated; loop10 and deferMany:
// heap-allocated).
package deferbench

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// Where the one-argument deferred calls write.
var sink int

// Defers piled on one frame by deferMany.
const many = 1000

// The loop of the seed article's TestWithDefer / TestWithoutDefer.
const seedN = 10000

// 1. call: a plain call doing the work of the deferred body of defer1, without the recover.

//go:noinline
func call(x, y, z int) {
	if x != 1 || y != 2 || z != 3 {
		panic("bad call")
	}
}

func BenchmarkCall(b *testing.B) {
	for i := 0; i < b.N; i++ {
		call(1, 2, 3)
	}
}

// 2. defer1: one deferred call binding three integers at the defer statement; its body checks
// them and that recover finds no panic. Open-coded.

//go:noinline
func defer1() {
	defer func(x, y, z int) {
		if recover() != nil || x != 1 || y != 2 || z != 3 {
			panic("bad recover")
		}
	}(1, 2, 3)
}

func BenchmarkDefer1(b *testing.B) {
	for i := 0; i < b.N; i++ {
		defer1()
	}
}

// 3. defer8: eight straight-line defers with one argument each. Open-coded.

//go:noinline
func take1(x int) {
	sink = x
}

//go:noinline
func defer8() {
	defer take1(1)
	defer take1(2)
	defer take1(3)
	defer take1(4)
	defer take1(5)
	defer take1(6)
	defer take1(7)
	defer take1(8)
}

func BenchmarkDefer8(b *testing.B) {
	for i := 0; i < b.N; i++ {
		defer8()
	}
}

// 4. defer9: one over the open-coding limit: stack-allocated defer records.

//go:noinline
func defer9() {
	defer take1(1)
	defer take1(2)
	defer take1(3)
	defer take1(4)
	defer take1(5)
	defer take1(6)
	defer take1(7)
	defer take1(8)
	defer take1(9)
}

func BenchmarkDefer9(b *testing.B) {
	for i := 0; i < b.N; i++ {
		defer9()
	}
}

// 5. loop10: ten defers in a loop (the shape of Go's BenchmarkDefer10): heap-allocated.

//go:noinline
func loop10() {
	for i := 0; i < 10; i++ {
		defer func(x, y, z int) {
			if recover() != nil || x != 1 || y != 2 || z != 3 {
				panic("bad recover")
			}
		}(1, 2, 3)
	}
}

// Per call of loop10 (ten defers).
func BenchmarkLoop10(b *testing.B) {
	for i := 0; i < b.N; i++ {
		loop10()
	}
}

// 6. deferMany: n defers piled on one frame, run at its exit.

//go:noinline
func deferMany(n int) {
	for i := 0; i < n; i++ {
		defer func(x, y, z int) {
			if recover() != nil || x != 1 || y != 2 || z != 3 {
				panic("bad recover")
			}
		}(1, 2, 3)
	}
}

// Per call of deferMany(many).
func BenchmarkDeferMany(b *testing.B) {
	for i := 0; i < b.N; i++ {
		deferMany(many)
	}
}

// The exact shape of Go's BenchmarkDeferMany: b.N defers pending on the benchmark's own frame,
// so B/op is the heap bytes of one pending defer (with the pools empty, as they are while that
// many defers are pending).
func BenchmarkDeferManyPending(b *testing.B) {
	for i := 0; i < b.N; i++ {
		defer func(x, y, z int) {
			if recover() != nil || x != 1 || y != 2 || z != 3 {
				panic("bad recover")
			}
		}(1, 2, 3)
	}
}

// 7. panicRecover: a deferred call recovers a panic raised in the same function (depth 0) or
// depth plain calls below it.

// raise panics depth calls below its caller (depth >= 1).
//
//go:noinline
func raise(depth int) {
	if depth <= 1 {
		panic("hi")
	}
	raise(depth - 1)
	sink = depth
}

//go:noinline
func panicRecover(depth int) {
	defer func(x, y, z int) {
		if recover() == nil || x != 1 || y != 2 || z != 3 {
			panic("failed recover")
		}
	}(1, 2, 3)
	if depth == 0 {
		panic("hi")
	}
	raise(depth)
}

func BenchmarkPanicRecover(b *testing.B) {
	for _, depth := range []int{0, 4, 16} {
		depth := depth
		b.Run(depthName(depth), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				panicRecover(depth)
			}
		})
	}
}

func depthName(d int) string {
	switch d {
	case 0:
		return "depth0"
	case 4:
		return "depth4"
	default:
		return "depth16"
	}
}

// 8. The seed article's TestWithoutDefer / TestWithDefer: summing 0..seedN, timed by hand or
// by a deferred call that writes a named result.

//go:noinline
func seedWithoutDefer() (sum int, cost time.Duration) {
	start := time.Now()
	for i := 0; i < seedN; i++ {
		sum += i
	}
	cost = time.Since(start)
	return
}

//go:noinline
func seedWithDefer() (sum int, cost time.Duration) {
	defer func(start time.Time) {
		cost = time.Since(start)
	}(time.Now())
	for i := 0; i < seedN; i++ {
		sum += i
	}
	return
}

func BenchmarkSeedSumWithDefer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		seedWithDefer()
	}
}

func BenchmarkSeedSumWithoutDefer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		seedWithoutDefer()
	}
}

// 9. threads: loop10 on 1 and on 2 goroutines at once (GOMAXPROCS >= 2), b.N calls split
// between them: ns/op is the time per call of all of them together. Each goroutine warms up
// before the timer starts; the timer runs from the common start to the last end.

func loop10On(goroutines int, calls int, started, stopped func()) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(goroutines)
	done.Add(goroutines)
	for g := 0; g < goroutines; g++ {
		n := calls / goroutines
		if g < calls%goroutines {
			n++
		}
		go func(n int) {
			defer done.Done()
			for i := 0; i < 100; i++ {
				loop10()
			}
			ready.Done()
			<-start
			for i := 0; i < n; i++ {
				loop10()
			}
		}(n)
	}
	ready.Wait()
	started()
	close(start)
	done.Wait()
	stopped()
}

func BenchmarkThreads(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	for _, g := range []int{1, 2} {
		g := g
		name := "one"
		if g == 2 {
			name = "two"
		}
		b.Run(name, func(b *testing.B) {
			b.StopTimer()
			loop10On(g, b.N, b.StartTimer, b.StopTimer)
		})
	}
}

// The deferred bodies are real calls and check what they were given; make sure they run.
func TestScenarios(t *testing.T) {
	defer1()
	defer8()
	if sink != 1 {
		t.Fatalf("defer8: last deferred call wrote %d, want 1", sink)
	}
	defer9()
	loop10()
	deferMany(many)
	for _, d := range []int{0, 4, 16} {
		panicRecover(d)
	}
	if s, _ := seedWithDefer(); s != seedN*(seedN-1)/2 {
		t.Fatalf("seedWithDefer: %d", s)
	}
	if s, _ := seedWithoutDefer(); s != seedN*(seedN-1)/2 {
		t.Fatalf("seedWithoutDefer: %d", s)
	}
	loop10On(2, 10, func() {}, func() {})
}
