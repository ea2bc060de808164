// Item 32: dereferencing a nil pointer is a runtime panic that can be
// recovered (Rust's counterpart: unwrap on None).
package main

import "fmt"

type Node struct {
	val  int
	next *Node
}

func second(n *Node) (v int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered a runtime error:", r != nil)
			v = -1
		}
	}()
	return n.next.val
}

func main() {
	list := &Node{1, &Node{2, nil}}
	fmt.Println(second(list))
	fmt.Println(second(list.next))
}
