// Items 17 and 19 (issue 15): a function literal called in the defer statement's call
// expression is the deferred function itself. recover() works in its own body, and returns
// nil in a function it calls, with or without arguments; a later deferred function then
// recovers.
package main

import "fmt"

func helper(tag string) {
	fmt.Println(tag, "helper:", recover())
}

func withArgument() {
	defer func() { fmt.Println("withArgument recovered:", recover()) }()
	defer func(x int) { helper(fmt.Sprint("withArgument x=", x)) }(1)
	panic("boom")
}

func withoutArgument() {
	defer func() { fmt.Println("withoutArgument recovered:", recover()) }()
	defer func() { helper("withoutArgument") }()
	panic("boom2")
}

func inTheLiteral() {
	defer func() { fmt.Println("inTheLiteral later:", recover()) }()
	defer func(x int) { fmt.Println("inTheLiteral literal:", recover(), x) }(7)
	panic("boom3")
}

func main() {
	withArgument()
	withoutArgument()
	inTheLiteral()
}
