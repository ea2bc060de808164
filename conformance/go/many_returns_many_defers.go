// Items 1, 8, 14: eight defers with several return statements (more exits x
// defers than Go open-codes) and eight defers with one return behave alike.
package main

import "fmt"

func manyReturns(n int) (s string) {
	defer func() { s += "1" }()
	defer func() { s += "2" }()
	defer func() { s += "3" }()
	defer func() { s += "4" }()
	defer func() { s += "5" }()
	defer func() { s += "6" }()
	defer func() { s += "7" }()
	defer func() { s += "8" }()
	if n == 0 {
		return "zero:"
	}
	if n == 1 {
		return "one:"
	}
	return "many:"
}

func oneReturn() (s string) {
	defer func() { s += "1" }()
	defer func() { s += "2" }()
	defer func() { s += "3" }()
	defer func() { s += "4" }()
	defer func() { s += "5" }()
	defer func() { s += "6" }()
	defer func() { s += "7" }()
	defer func() { s += "8" }()
	return "single:"
}

func main() {
	fmt.Println(manyReturns(0))
	fmt.Println(manyReturns(1))
	fmt.Println(manyReturns(2))
	fmt.Println(oneReturn())
}
