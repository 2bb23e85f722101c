// Command wordcount counts the words of text files with a shuffle:
//
//	gosubmit --master yarn bin/wordcount '/data/books/*.txt'             # word<TAB>count on the console
//	gosubmit --master yarn --deploy-mode cluster bin/wordcount '/data/books/*.txt' /data/counts
//
// The input is a file, a directory or a glob on a path every container can
// read. With an output directory it writes one part file per partition
// (word<TAB>count lines) and _SUCCESS there; without one it prints the
// counts, sorted by word, on stdout.
package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/goyarn/goyarn/appmaster/engine"
)

func main() {
	app := engine.New("wordcount")
	words := engine.FlatMapFunc(app, "wordcount.words", strings.Fields)
	pair := engine.MapFunc(app, "wordcount.pair", func(w string) engine.KV[string, int] {
		return engine.KV[string, int]{Key: w, Value: 1}
	})
	sum := engine.ReduceFunc(app, "wordcount.sum", func(a, b int) int { return a + b })
	app.Run(func(ctx *engine.Context) error {
		args := ctx.Args()
		if len(args) < 1 || len(args) > 2 {
			return errors.New("usage: wordcount <input file, dir or glob> [output dir]")
		}
		counts := engine.ReduceByKey(engine.Map(engine.FlatMap(engine.TextFile(ctx, args[0], 0), words), pair), sum, 0)
		if len(args) == 2 {
			return engine.SaveAsTextFile(counts, args[1])
		}
		all, err := engine.Collect(counts)
		if err != nil {
			return err
		}
		slices.SortFunc(all, func(a, b engine.KV[string, int]) int { return cmp.Compare(a.Key, b.Key) })
		for _, kv := range all {
			fmt.Printf("%s\t%d\n", kv.Key, kv.Value)
		}
		return nil
	})
}
