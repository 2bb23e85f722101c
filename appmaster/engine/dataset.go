package engine

import (
	"fmt"

	"github.com/goyarn/goyarn/appmaster/engine/internal/textfile"
	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// Dataset is a partitioned collection of records of type T, computed by
// the executors when an action (Collect, Count, Reduce, SaveAsTextFile)
// needs it. Datasets are immutable values: transformations return new ones.
// A mistake made while building one (an unregistered type, a missing input)
// is kept in the dataset and returned by its action.
type Dataset[T any] struct {
	ctx *Context
	n   *node
	err error
}

// node is one step of a dataset's lineage.
type node struct {
	typ    string // registered record type
	parts  int
	parent *node
	// A source: one description per partition.
	sources []wire.Source
	// A narrow step: the registered function applied to parent's records.
	fn string
	// A shuffle of parent's KV records.
	shuffle *shuffleDep
}

type shuffleDep struct {
	id      int
	kind    string // wire.ShuffleReduceByKey or wire.ShuffleGroupByKey
	fn      string // the reducer of ShuffleReduceByKey
	mapType string // the KV type the map side writes
}

// Partitions is the dataset's partition count.
func (d Dataset[T]) Partitions() int {
	if d.n == nil {
		return 0
	}
	return d.n.parts
}

// Err is the mistake made while building the dataset, if any.
func (d Dataset[T]) Err() error {
	if d.err == nil && (d.ctx == nil || d.n == nil) {
		return fmt.Errorf("%w: a Dataset must come from a Context", ErrNotRegistered)
	}
	return d.err
}

func failed[T any](c *Context, err error) Dataset[T] { return Dataset[T]{ctx: c, err: err} }

// slice bounds partition i of n over length items, as Spark slices.
func slice(i, n, length int) (lo, hi int) {
	return int(int64(i) * int64(length) / int64(n)), int(int64(i+1) * int64(length) / int64(n))
}

// Parallelize distributes data over slices partitions (0: the default
// parallelism). The records are encoded at once and shipped with the
// tasks: T must be registered (RegisterType, or as a function's type).
func Parallelize[T any](ctx *Context, data []T, slices int) Dataset[T] {
	if ctx == nil {
		return Dataset[T]{}
	}
	name := typeName[T]()
	if _, err := ctx.app.reg.typ(name); err != nil {
		return failed[T](ctx, fmt.Errorf("Parallelize: %w", err))
	}
	if slices <= 0 {
		slices = ctx.DefaultParallelism()
	}
	srcs := make([]wire.Source, slices)
	for i := range srcs {
		lo, hi := slice(i, slices, len(data))
		enc, err := encodeSlice(data[lo:hi])
		if err != nil {
			return failed[T](ctx, fmt.Errorf("Parallelize: %w", err))
		}
		srcs[i] = wire.Source{Kind: wire.SourceParallelize, Type: name, Data: enc}
	}
	return Dataset[T]{ctx: ctx, n: &node{typ: name, parts: slices, sources: srcs}}
}

// Range is the integers [start, end) over slices partitions (0: the
// default parallelism). The executors generate them: nothing is shipped.
func Range(ctx *Context, start, end, slices int) Dataset[int] {
	if ctx == nil {
		return Dataset[int]{}
	}
	if slices <= 0 {
		slices = ctx.DefaultParallelism()
	}
	n := max(0, end-start)
	srcs := make([]wire.Source, slices)
	for i := range srcs {
		lo, hi := slice(i, slices, n)
		srcs[i] = wire.Source{Kind: wire.SourceRange, Type: typeName[int](), Lo: start + lo, Hi: start + hi}
	}
	return Dataset[int]{ctx: ctx, n: &node{typ: typeName[int](), parts: slices, sources: srcs}}
}

// TextFile is the lines of the files path names: a file, a directory (its
// files not starting with "." or "_"), a glob, or a comma-separated list of
// those, on a filesystem every executor sees at the same path (relative
// paths are resolved on the driver). Each file is one partition or, when
// large, several byte ranges; a line is never split. minPartitions (0: at
// most 2) is a lower bound the file sizes may not allow.
func TextFile(ctx *Context, path string, minPartitions int) Dataset[string] {
	if ctx == nil {
		return Dataset[string]{}
	}
	if minPartitions <= 0 {
		minPartitions = min(ctx.DefaultParallelism(), 2)
	}
	splits, err := textfile.Plan(path, minPartitions, 0)
	if err != nil {
		return failed[string](ctx, fmt.Errorf("TextFile: %w", err))
	}
	srcs := make([]wire.Source, len(splits))
	for i, s := range splits {
		srcs[i] = wire.Source{Kind: wire.SourceText, Type: typeName[string](), Path: s.Path, Offset: s.Offset, Length: s.Length}
	}
	return Dataset[string]{ctx: ctx, n: &node{typ: typeName[string](), parts: len(srcs), sources: srcs}}
}

// narrow adds a registered function step after d.
func narrow[T, U any](d Dataset[T], f named) Dataset[U] {
	if d.err != nil || d.n == nil {
		return Dataset[U]{ctx: d.ctx, err: d.Err()}
	}
	if err := f.usableIn(d.ctx.app); err != nil {
		return failed[U](d.ctx, err)
	}
	return Dataset[U]{ctx: d.ctx, n: &node{typ: typeName[U](), parts: d.n.parts, parent: d.n, fn: f.name}}
}

// Map applies f to every record.
func Map[T, U any](d Dataset[T], f MapFn[T, U]) Dataset[U] { return narrow[T, U](d, f.named) }

// FlatMap replaces every record with the records f returns for it.
func FlatMap[T, U any](d Dataset[T], f FlatMapFn[T, U]) Dataset[U] { return narrow[T, U](d, f.named) }

// Filter keeps the records f accepts.
func Filter[T any](d Dataset[T], f FilterFn[T]) Dataset[T] { return narrow[T, T](d, f.named) }

// MapPartitions calls f once per partition with its records.
func MapPartitions[T, U any](d Dataset[T], f MapPartitionsFn[T, U]) Dataset[U] {
	return narrow[T, U](d, f.named)
}

// ReduceByKey merges the values of each key with f, first within each map
// partition, then across them after the shuffle, into partitions
// partitions (0: the default parallelism).
func ReduceByKey[K comparable, V any](d Dataset[KV[K, V]], f ReduceFn[V], partitions int) Dataset[KV[K, V]] {
	return shuffled[KV[K, V]](d, wire.ShuffleReduceByKey, f.named, partitions)
}

// GroupByKey gathers the values of each key into one Group, into
// partitions partitions (0: the default parallelism). Prefer ReduceByKey
// when the values are to be combined: it merges before shuffling.
func GroupByKey[K comparable, V any](d Dataset[KV[K, V]], partitions int) Dataset[Group[K, V]] {
	return shuffled[Group[K, V]](d, wire.ShuffleGroupByKey, named{}, partitions)
}

func shuffled[U, T any](d Dataset[T], kind string, f named, partitions int) Dataset[U] {
	if d.err != nil || d.n == nil {
		return Dataset[U]{ctx: d.ctx, err: d.Err()}
	}
	if kind == wire.ShuffleReduceByKey {
		if err := f.usableIn(d.ctx.app); err != nil {
			return failed[U](d.ctx, err)
		}
	}
	if _, err := d.ctx.app.reg.typ(typeName[U]()); err != nil {
		return failed[U](d.ctx, err)
	}
	if partitions <= 0 {
		partitions = d.ctx.DefaultParallelism()
	}
	dep := &shuffleDep{id: int(d.ctx.d.nextShuffle.Add(1)), kind: kind, fn: f.name, mapType: d.n.typ}
	return Dataset[U]{ctx: d.ctx, n: &node{typ: typeName[U](), parts: partitions, parent: d.n, shuffle: dep}}
}
