// Item 35 (issue 15): runtime.Goexit runs the goroutine's deferred calls, innermost first, and
// ends it. recover() returns nil in them; a panic raised by one and recovered by another does
// not cancel the Goexit; a Goexit from a deferred call of a panicking function abandons the
// panic.
package main

import (
	"fmt"
	"runtime"
)

func a() {
	defer fmt.Println("a: recover in a Goexit:", recover())
	defer func() { fmt.Println("a: deferred recover:", recover()) }()
	defer fmt.Println("a: deferred runs")
	runtime.Goexit()
	fmt.Println("a: not reached")
}

func b() {
	defer fmt.Println("b: outer deferred runs")
	defer func() { fmt.Println("b: recovered:", recover()) }()
	defer func() { panic("b: panic during Goexit") }()
	runtime.Goexit()
}

func c() {
	defer fmt.Println("c: remaining deferred runs")
	defer func() { fmt.Println("c: recover after the Goexit:", recover()) }()
	defer func() { runtime.Goexit() }()
	panic("c: abandoned")
}

func middle(f func()) {
	defer fmt.Println("middle: deferred runs")
	f()
	fmt.Println("middle: not reached")
}

func run(name string, f func()) {
	done := make(chan bool)
	go func() {
		defer close(done)
		defer fmt.Println(name + ": goroutine's deferred runs")
		middle(f)
		fmt.Println(name + ": not reached")
	}()
	<-done
}

func main() {
	run("a", a)
	run("b", b)
	run("c", c)
	fmt.Println("main: done")
}
