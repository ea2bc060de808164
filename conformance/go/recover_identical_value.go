// Item 24: recover returns the identical value passed to panic; type
// assertions on it work.
package main

import (
	"errors"
	"fmt"
)

type MyErr struct {
	Code int
	Msg  string
}

var sentinel = errors.New("sentinel error")

func catch(f func()) (r interface{}) {
	defer func() {
		r = recover()
	}()
	f()
	return nil
}

func main() {
	r := catch(func() { panic(MyErr{Code: 7, Msg: "seven"}) })
	if e, ok := r.(MyErr); ok {
		fmt.Println("MyErr code", e.Code, "msg", e.Msg)
	}
	p := &MyErr{Code: 8}
	r = catch(func() { panic(p) })
	fmt.Println("same pointer:", r.(*MyErr) == p)
	r = catch(func() { panic(42) })
	fmt.Println("int:", r.(int)+1)
	r = catch(func() { panic(sentinel) })
	fmt.Println("error is sentinel:", r.(error) == sentinel, "message:", r)
	r = catch(func() { panic("plain string") })
	s, ok := r.(string)
	fmt.Println("string:", s, ok)
	r = catch(func() {})
	fmt.Println("no panic:", r)
}
