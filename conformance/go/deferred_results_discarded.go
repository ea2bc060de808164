// Item 9: the results of a deferred call are discarded.
package main

import "fmt"

func answer() int {
	fmt.Println("answer runs")
	return 42
}

func pair() (int, string) {
	fmt.Println("pair runs")
	return 7, "seven"
}

func f() (r int) {
	defer answer()
	defer pair()
	return 1
}

func main() {
	fmt.Println("f:", f())
}
