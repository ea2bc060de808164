// Item 16: the usual Go idiom: recover inside a deferred closure and turn the
// panic into the function's error result.
package main

import (
	"errors"
	"fmt"
)

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	if b == 0 {
		panic("division by zero")
	}
	return a / b, nil
}

func mayFail(fail bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("failed with " + r.(string))
		}
	}()
	if fail {
		panic("bad input")
	}
	return nil
}

func main() {
	q, err := safeDiv(10, 2)
	fmt.Println(q, err)
	q, err = safeDiv(1, 0)
	fmt.Println(q, err)
	fmt.Println(mayFail(false))
	fmt.Println(mayFail(true))
}
