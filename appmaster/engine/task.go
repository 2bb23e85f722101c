package engine

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/goyarn/goyarn/appmaster/engine/internal/shuffle"
	"github.com/goyarn/goyarn/appmaster/engine/internal/textfile"
	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// taskEnv is what a running task's record streams share: its context, the
// first error any stage of the pipeline hit (streams stop on it), and the
// shuffle fetcher.
type taskEnv struct {
	ctx     context.Context
	fetcher *shuffle.Fetcher

	mu  sync.Mutex
	err error
}

func newTaskEnv(ctx context.Context) *taskEnv {
	if ctx == nil {
		ctx = context.Background()
	}
	return &taskEnv{ctx: ctx}
}

func (e *taskEnv) fail(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err == nil {
		e.err = err
	}
}

func (e *taskEnv) failure() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// guard ends seq early once the task failed or was cancelled.
func guard[T any](e *taskEnv, seq iter.Seq[T]) iter.Seq[T] {
	return func(yield func(T) bool) {
		n := 0
		for v := range seq {
			if n++; n%1024 == 0 {
				if err := e.ctx.Err(); err != nil {
					e.fail(err)
				}
				if e.failure() != nil {
					return
				}
			}
			if !yield(v) {
				return
			}
		}
	}
}

// runTask runs spec on this executor. User panics are recovered and
// reported as the task's failure.
func (x *executor) runTask(ctx context.Context, spec *wire.TaskSpec) (res *wire.TaskResult) {
	env := newTaskEnv(ctx)
	env.fetcher = x.fetcher
	defer func() {
		if r := recover(); r != nil {
			res = &wire.TaskResult{Status: wire.StatusFailed, Error: panicMessage(r, debug.Stack())}
		}
	}()
	res, err := x.pipeline(env, spec)
	if ferr := env.failure(); ferr != nil {
		err = ferr // a stream that broke off makes whatever the sink saw incomplete
	}
	if err == nil {
		return res
	}
	var fe *shuffle.FetchError
	if errors.As(err, &fe) && spec.Source.Shuffle != nil {
		return &wire.TaskResult{Status: wire.StatusFetchFailed, Error: err.Error(), FetchFailed: &wire.FetchFailure{
			ShuffleID: spec.Source.Shuffle.ShuffleID, Map: fe.Block.Map, ExecutorID: fe.Block.ExecutorID, Addr: fe.Block.Addr}}
	}
	return &wire.TaskResult{Status: wire.StatusFailed, Error: err.Error()}
}

func (x *executor) pipeline(env *taskEnv, spec *wire.TaskSpec) (*wire.TaskResult, error) {
	seq, typ, err := x.source(env, &spec.Source)
	if err != nil {
		return nil, err
	}
	for _, name := range spec.Ops {
		f, err := x.reg.fn(name)
		if err != nil {
			return nil, err
		}
		if f.apply == nil || f.in != typ {
			return nil, fmt.Errorf("%w: function %q (%s %s→%s) applied to %s records", ErrNotRegistered, name, f.kind, f.in, f.out, typ)
		}
		seq, typ = f.apply(seq), f.out
	}
	if typ != spec.Sink.Type {
		return nil, fmt.Errorf("%w: pipeline yields %s, sink expects %s", ErrNotRegistered, typ, spec.Sink.Type)
	}
	rt, err := x.reg.typ(typ)
	if err != nil {
		return nil, err
	}
	res := &wire.TaskResult{Status: wire.StatusSuccess}
	switch sk := spec.Sink; sk.Kind {
	case wire.SinkCollect:
		res.Data, res.Count, err = rt.encode(env, seq)
	case wire.SinkCount:
		res.Count = rt.count(env, seq)
	case wire.SinkReduce:
		var f *function
		if f, err = x.reg.fn(sk.Func); err == nil {
			res.Data, res.Count, err = rt.reduce(env, seq, f.reduce)
		}
	case wire.SinkSave:
		res.Count, err = saveText(env, rt, seq, sk.Dir, spec)
	case wire.SinkShuffle:
		res.MapOutput, res.Count, err = x.writeShuffle(env, rt, seq, spec)
	default:
		err = fmt.Errorf("unknown sink %q", sk.Kind)
	}
	return res, err
}

func (x *executor) source(env *taskEnv, src *wire.Source) (any, string, error) {
	switch src.Kind {
	case wire.SourceParallelize:
		rt, err := x.reg.typ(src.Type)
		if err != nil {
			return nil, "", err
		}
		return rt.decode(env, src.Data), src.Type, nil
	case wire.SourceRange:
		lo, hi := src.Lo, src.Hi
		return guard(env, func(yield func(int) bool) {
			for i := lo; i < hi; i++ {
				if !yield(i) {
					return
				}
			}
		}), typeName[int](), nil
	case wire.SourceText:
		split := textfile.Split{Path: src.Path, Offset: src.Offset, Length: src.Length}
		return iter.Seq[string](func(yield func(string) bool) {
			if err := textfile.Lines(env.ctx, split, yield); err != nil {
				env.fail(err)
			}
		}), typeName[string](), nil
	case wire.SourceShuffle:
		if src.Shuffle == nil {
			return nil, "", errors.New("shuffle source without its blocks")
		}
		rt, err := x.reg.typ(src.Type)
		if err != nil {
			return nil, "", err
		}
		kv := rt.kv()
		if kv == nil {
			return nil, "", fmt.Errorf("%w: %s is not a KV type", ErrNotRegistered, src.Type)
		}
		var fn any
		if src.Shuffle.Kind == wire.ShuffleReduceByKey {
			f, err := x.reg.fn(src.Shuffle.Func)
			if err != nil {
				return nil, "", err
			}
			fn = f.reduce
		}
		return kv.read(env, src.Shuffle, fn)
	}
	return nil, "", fmt.Errorf("unknown source %q", src.Kind)
}

func (x *executor) writeShuffle(env *taskEnv, rt recordType, seq any, spec *wire.TaskSpec) (*wire.MapOutput, int64, error) {
	kv := rt.kv()
	if kv == nil {
		return nil, 0, fmt.Errorf("%w: %s is not a KV type", ErrNotRegistered, rt.name())
	}
	if spec.Sink.NumReduce < 1 {
		return nil, 0, fmt.Errorf("shuffle with %d reduce partitions", spec.Sink.NumReduce)
	}
	var combine any
	if spec.Sink.Func != "" {
		f, err := x.reg.fn(spec.Sink.Func)
		if err != nil {
			return nil, 0, err
		}
		combine = f.reduce
	}
	blocks, n, err := kv.write(env, seq, spec.Sink.NumReduce, combine)
	if err != nil || env.failure() != nil {
		return nil, n, err
	}
	file, sizes, err := x.store.Write(spec.Sink.ShuffleID, spec.Partition, spec.TaskID, blocks)
	if err != nil {
		return nil, n, err
	}
	return &wire.MapOutput{File: file, Sizes: sizes}, n, nil
}

// partName is the file SaveAsTextFile writes partition p to.
func partName(p int) string { return fmt.Sprintf("part-%05d", p) }

// saveText writes the partition to dir/part-NNNNN through a temporary file,
// so the part file appears whole or not at all.
func saveText(env *taskEnv, rt recordType, seq any, dir string, spec *wire.TaskSpec) (int64, error) {
	final := filepath.Join(dir, partName(spec.Partition))
	f, err := os.CreateTemp(dir, fmt.Sprintf(".%s-%d-*.tmp", partName(spec.Partition), spec.TaskID))
	if err != nil {
		return 0, err
	}
	n, err := rt.writeText(env, seq, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && env.failure() == nil {
		err = os.Rename(f.Name(), final)
	}
	if err != nil || env.failure() != nil {
		os.Remove(f.Name())
	}
	return n, err
}

// panicMessage is "panic: <value>" and the first frames (up to five)
// below the panic, down to the engine's own frames.
func panicMessage(r any, stack []byte) string {
	msg := fmt.Sprintf("panic: %v", r)
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "panic(") {
			continue
		}
		var frames []string
		for _, f := range lines[min(i+2, len(lines)):] {
			if len(frames) == 10 || strings.Contains(f, enginePkg+".callMain(") || strings.Contains(f, enginePkg+".(*executor).") {
				break
			}
			frames = append(frames, f)
		}
		if len(frames) > 0 {
			msg += "\n" + strings.Join(frames, "\n")
		}
		break
	}
	return msg
}

const enginePkg = "github.com/goyarn/goyarn/appmaster/engine"
