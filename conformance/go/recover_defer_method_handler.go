// Items 17, 6: a deferred method call whose method calls recover directly
// recovers; the receiver was fixed at the defer statement.
package main

import "fmt"

type Guard struct{ name string }

func (g *Guard) Handle() {
	if r := recover(); r != nil {
		fmt.Println(g.name, "recovered:", r)
	}
}

func f() {
	g := &Guard{name: "guard one"}
	defer g.Handle()
	g = &Guard{name: "guard two"}
	fmt.Println("current guard is", g.name)
	panic("method")
}

func main() {
	f()
	fmt.Println("main continues")
}
