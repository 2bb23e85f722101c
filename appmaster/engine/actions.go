package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/goyarn/goyarn/appmaster/engine/internal/sched"
	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// Action errors.
var (
	// ErrEmpty: Reduce of a dataset without records.
	ErrEmpty = errors.New("empty dataset")
	// ErrOutputExists: SaveAsTextFile into a directory that is not empty.
	ErrOutputExists = errors.New("output directory already exists")
	// ErrTaskFailed: a task failed spark.task.maxFailures times; the
	// message carries the task's own error.
	ErrTaskFailed = sched.ErrTaskFailed
)

// Collect returns every record, partition after partition.
func Collect[T any](d Dataset[T]) ([]T, error) {
	parts := make([][]T, d.Partitions())
	err := run(d, "collect", wire.Sink{Kind: wire.SinkCollect}, func(p int, r *wire.TaskResult) error {
		recs, err := decodeAll[T](r.Data)
		parts[p] = recs
		return err
	})
	if err != nil {
		return nil, err
	}
	return slices.Concat(parts...), nil
}

// Count returns the number of records.
func Count[T any](d Dataset[T]) (int64, error) {
	var n int64
	err := run(d, "count", wire.Sink{Kind: wire.SinkCount}, func(_ int, r *wire.TaskResult) error {
		n += r.Count
		return nil
	})
	return n, err
}

// Reduce folds all records with f: each partition on its executor, then
// the partial results on the driver. It returns ErrEmpty for a dataset
// without records.
func Reduce[T any](d Dataset[T], f ReduceFn[T]) (T, error) {
	var zero T
	if d.err == nil && d.ctx != nil {
		if err := f.usableIn(d.ctx.app); err != nil {
			return zero, err
		}
	}
	if f.f == nil {
		return zero, fmt.Errorf("%w: function %q is nil", ErrNotRegistered, f.name)
	}
	partials := make([][]T, d.Partitions())
	err := run(d, "reduce", wire.Sink{Kind: wire.SinkReduce, Func: f.name}, func(p int, r *wire.TaskResult) error {
		recs, err := decodeAll[T](r.Data)
		partials[p] = recs
		return err
	})
	if err != nil {
		return zero, err
	}
	var acc T
	seen := false
	for _, v := range slices.Concat(partials...) {
		if seen {
			acc = f.f(acc, v)
		} else {
			acc, seen = v, true
		}
	}
	if !seen {
		return zero, ErrEmpty
	}
	return acc, nil
}

// SaveAsTextFile writes the dataset as text into dir, which must not exist
// or be empty: one file part-NNNNN per partition, each written whole or not
// at all, one line per record (a KV as "key<TAB>value", a Group as
// "key<TAB>[values]", anything else as fmt's %v), then an empty _SUCCESS
// file once every part is there. dir must be on a filesystem every
// executor sees at the same path (a relative dir is resolved on the driver).
func SaveAsTextFile[T any](d Dataset[T], dir string) error {
	if err := d.Err(); err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("SaveAsTextFile: %w", err)
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: %s", ErrOutputExists, abs)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return fmt.Errorf("SaveAsTextFile: %w", err)
	}
	err = run(d, "saveAsTextFile", wire.Sink{Kind: wire.SinkSave, Dir: abs}, func(int, *wire.TaskResult) error { return nil })
	if err != nil {
		if tmps, _ := filepath.Glob(filepath.Join(abs, ".part-*.tmp")); len(tmps) > 0 {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
		return err
	}
	if err := os.WriteFile(filepath.Join(abs, "_SUCCESS"), nil, 0o644); err != nil {
		return fmt.Errorf("SaveAsTextFile: %w", err)
	}
	return nil
}

// run runs one job: the stages of d's lineage ending in sink.
func run[T any](d Dataset[T], action string, sink wire.Sink, onResult func(int, *wire.TaskResult) error) error {
	if err := d.Err(); err != nil {
		return err
	}
	job := &sched.Job{Name: action, Stages: stages(d.n, sink), OnResult: onResult}
	return d.ctx.d.sched.RunJob(d.ctx, job)
}

// stages cuts the lineage ending at final into stages at its shuffles.
func stages(final *node, sink wire.Sink) []*sched.Stage {
	var chain []*node
	for n := final; n != nil; n = n.parent {
		chain = append(chain, n)
	}
	slices.Reverse(chain)
	var segs [][]*node
	for i, n := range chain {
		if i == 0 || n.shuffle != nil {
			segs = append(segs, []*node{n})
		} else {
			segs[len(segs)-1] = append(segs[len(segs)-1], n)
		}
	}
	out := make([]*sched.Stage, len(segs))
	for i, seg := range segs {
		head, tail := seg[0], seg[len(seg)-1]
		var ops []string
		for _, n := range seg[1:] {
			ops = append(ops, n.fn)
		}
		sk, shuffleID := sink, -1
		if i < len(segs)-1 {
			next := segs[i+1][0]
			shuffleID = next.shuffle.id
			sk = wire.Sink{Kind: wire.SinkShuffle, ShuffleID: shuffleID, NumReduce: next.parts}
			if next.shuffle.kind == wire.ShuffleReduceByKey {
				sk.Func = next.shuffle.fn // map-side combine
			}
		}
		sk.Type = tail.typ
		parent := -1
		if head.shuffle != nil {
			parent = head.shuffle.id
		}
		out[i] = &sched.Stage{ShuffleID: shuffleID, Partitions: head.parts, Parent: parent,
			Task: func(p int, blocks []wire.BlockLoc) wire.TaskSpec {
				return wire.TaskSpec{Source: head.source(p, blocks), Ops: ops, Sink: sk}
			}}
	}
	return out
}

// source is the source of partition p of a stage starting at n.
func (n *node) source(p int, blocks []wire.BlockLoc) wire.Source {
	if n.shuffle == nil {
		return n.sources[p]
	}
	dep := n.shuffle
	return wire.Source{Kind: wire.SourceShuffle, Type: dep.mapType, Shuffle: &wire.ShuffleRead{
		ShuffleID: dep.id, Reduce: p, Kind: dep.kind, Func: dep.fn, Blocks: blocks}}
}
