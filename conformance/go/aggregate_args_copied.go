// Item 13: large and aggregate arguments are captured once, by value.
package main

import "fmt"

type Point struct {
	X, Y int
	Name string
}

func sumArray(a [1000]int) int {
	s := 0
	for _, v := range a {
		s += v
	}
	return s
}

func f() {
	var big [1000]int
	for i := range big {
		big[i] = i
	}
	p := Point{1, 2, "start"}
	defer func(a [1000]int, p Point) {
		fmt.Println("deferred array sum", sumArray(a), "first", a[0], "last", a[999])
		fmt.Println("deferred point", p.X, p.Y, p.Name)
	}(big, p)
	defer func() {
		fmt.Println("closure array sum", sumArray(big), "first", big[0], "last", big[999])
		fmt.Println("closure point", p.X, p.Y, p.Name)
	}()
	for i := range big {
		big[i] = 1
	}
	p.X, p.Y, p.Name = 10, 20, "changed"
	fmt.Println("modified after defer")
}

func main() {
	f()
}
