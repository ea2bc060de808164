// Item 6: a value-receiver method called through a pointer copies the value
// at the defer statement.
package main

import "fmt"

type T struct{ n int }

func (t T) Val(label string)  { fmt.Println(label, t.n) }
func (t *T) Ptr(label string) { fmt.Println(label, t.n) }

func main() {
	t := &T{n: 1}
	defer t.Val("value receiver:")
	defer t.Ptr("pointer receiver:")
	t.n = 2
	fmt.Println("set n to", t.n)
}
