// Item 29: three panics nested in deferred calls, each recovered at its own
// level, innermost first.
package main

import "fmt"

func f() (log string) {
	defer func() {
		log += fmt.Sprint(" level1:", recover())
	}()
	defer func() {
		defer func() {
			log += fmt.Sprint(" level2:", recover())
		}()
		defer func() {
			defer func() {
				log += fmt.Sprint(" level3:", recover())
			}()
			panic(3)
		}()
		panic(2)
	}()
	panic(1)
}

func main() {
	fmt.Println("log:" + f())
}
