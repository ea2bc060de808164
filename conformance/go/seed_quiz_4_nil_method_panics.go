// Seed 001, quiz 4: the method value t.Println is evaluated at the defer
// statement while t is still nil; assigning t afterwards does not help, and
// calling the method at exit dereferences nil: an unrecovered runtime panic.
package main

import "fmt"

type Test struct {
	Max int
}

func (t *Test) Println() {
	fmt.Println(t.Max)
}

func deferExec(f func()) {
	fmt.Println("deferExec called")
	f()
}

func call() {
	var t *Test
	defer deferExec(t.Println)
	t = new(Test)
	fmt.Println("t assigned, Max =", t.Max)
}

func main() {
	defer fmt.Println("main's defer runs")
	call()
	fmt.Println("not reached")
}
