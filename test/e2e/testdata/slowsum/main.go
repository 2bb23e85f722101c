// Command slowsum is a test program whose job takes a while: each of its
// 40 records costs its task 250 ms. It prints "sum is 780".
package main

import (
	"fmt"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine"
)

func main() {
	app := engine.New("slowsum")
	slow := engine.MapFunc(app, "slowsum.slow", func(i int) int {
		time.Sleep(250 * time.Millisecond)
		return i
	})
	sum := engine.ReduceFunc(app, "slowsum.sum", func(a, b int) int { return a + b })
	app.Run(func(ctx *engine.Context) error {
		n, err := engine.Reduce(engine.Map(engine.Range(ctx, 0, 40, 8), slow), sum)
		if err != nil {
			return err
		}
		fmt.Println("sum is", n)
		return nil
	})
}
