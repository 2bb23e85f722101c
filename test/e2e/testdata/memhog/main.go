// Command memhog is a test program whose executors allocate and touch far
// more memory than their container is given: the container must be killed
// for it, and the application's diagnostics must say why.
package main

import (
	"fmt"

	"github.com/goyarn/goyarn/appmaster/engine"
)

func main() {
	app := engine.New("memhog")
	hog := engine.MapFunc(app, "memhog.hog", func(i int) int {
		const mb = 1 << 20
		var keep [][]byte
		for n := 0; n < 4096; n++ { // up to 4 GB, one MB at a time, every page touched
			b := make([]byte, mb)
			for j := 0; j < mb; j += 4096 {
				b[j] = byte(n)
			}
			keep = append(keep, b)
		}
		return len(keep) + i
	})
	sum := engine.ReduceFunc(app, "memhog.sum", func(a, b int) int { return a + b })
	app.Run(func(ctx *engine.Context) error {
		n, err := engine.Reduce(engine.Map(engine.Range(ctx, 0, 2, 2), hog), sum)
		fmt.Println("hogged", n)
		return err
	})
}
