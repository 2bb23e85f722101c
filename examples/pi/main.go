// Command pi estimates π by Monte Carlo, as Spark's SparkPi does:
//
//	gosubmit --master yarn --deploy-mode cluster bin/pi 100
//
// prints "Pi is roughly 3.14…". The argument is the number of slices
// (partitions, default 2); each slice throws 100,000 darts at the unit
// square, generated on the executors.
package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/goyarn/goyarn/appmaster/engine"
)

const dartsPerSlice = 100_000

func main() {
	app := engine.New("pi")
	inside := engine.MapFunc(app, "pi.inside", dartInside)
	sum := engine.ReduceFunc(app, "pi.sum", func(a, b int) int { return a + b })
	app.Run(func(ctx *engine.Context) error {
		slices := 2
		if args := ctx.Args(); len(args) > 0 {
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 {
				return fmt.Errorf("usage: pi [slices]: slices must be a positive number, got %q", args[0])
			}
			slices = n
		}
		n := int(min(int64(dartsPerSlice)*int64(slices), math.MaxInt32))
		count, err := engine.Reduce(engine.Map(engine.Range(ctx, 1, n, slices), inside), sum)
		if err != nil {
			return err
		}
		fmt.Printf("Pi is roughly %v\n", 4.0*float64(count)/float64(n-1))
		return nil
	})
}

// dartInside throws dart i at the square [-1, 1]² and reports 1 when it
// lands inside the unit circle. The dart's coordinates come from a hash of
// i, so a run is reproducible and allocates nothing per dart.
func dartInside(i int) int {
	x := unit(splitmix(uint64(i)))
	y := unit(splitmix(uint64(i) ^ 0x5851f42d4c957f2d))
	if x*x+y*y <= 1 {
		return 1
	}
	return 0
}

// splitmix is SplitMix64's output function: a well-mixed 64-bit hash.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// unit maps a hash to [-1, 1).
func unit(h uint64) float64 { return float64(h>>11)/(1<<53)*2 - 1 }
