// Seeds 001/003: a defer inside a block runs when the function returns,
// not when the block ends.
package main

import "fmt"

func main() {
	{
		defer fmt.Println("defer runs")
		fmt.Println("block ends")
	}
	fmt.Println("main ends")
}
