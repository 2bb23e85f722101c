// Command panicky is a test program whose driver panics after a first job:
// the application must end FAILED with the panic message, never hang.
package main

import (
	"fmt"

	"github.com/goyarn/goyarn/appmaster/engine"
)

func main() {
	app := engine.New("panicky")
	sum := engine.ReduceFunc(app, "panicky.sum", func(a, b int) int { return a + b })
	app.Run(func(ctx *engine.Context) error {
		n, err := engine.Reduce(engine.Range(ctx, 0, 100, 2), sum)
		if err != nil {
			return err
		}
		fmt.Println("sum is", n)
		panic("deliberate panic after the first job")
	})
}
