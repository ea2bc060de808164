// Item 6: a pointer receiver is evaluated at the defer statement: the deferred
// call uses the pointer held then, and sees later changes through it, but not
// a later reassignment of the variable.
package main

import "fmt"

type T struct{ n int }

func (t *T) Show(label string) { fmt.Println(label, t.n) }

func main() {
	t := &T{n: 1}
	first := t
	defer t.Show("deferred on first pointer:")
	t = &T{n: 100}
	first.n = 2
	t.Show("current pointer:")
}
