// Items 17, 19, 31: recover attempts that are not direct all return nil, the
// panic stays unrecovered and the process ends with the report.
package main

import "fmt"

func helper() interface{} { return recover() }

func f() {
	defer func() {
		fmt.Println("via helper:", helper())
	}()
	defer func() {
		defer func() {
			fmt.Println("nested deferred closure:", recover())
		}()
	}()
	defer func() {
		fmt.Println("via literal:", func() interface{} { return recover() }())
	}()
	panic("nobody recovers me")
}

func main() {
	defer fmt.Println("main's defer runs")
	f()
}
