package sched

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// fakeSender runs tasks with a scripted handler and records where they ran.
type fakeSender struct {
	mu      sync.Mutex
	handler func(ctx context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error)
	running map[string]int
	maxRun  map[string]int
	ran     []ran
}

type ran struct {
	addr string
	spec wire.TaskSpec
}

func newFake(h func(ctx context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error)) *fakeSender {
	return &fakeSender{handler: h, running: map[string]int{}, maxRun: map[string]int{}}
}

func (f *fakeSender) RunTask(ctx context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
	f.mu.Lock()
	f.running[addr]++
	f.maxRun[addr] = max(f.maxRun[addr], f.running[addr])
	f.ran = append(f.ran, ran{addr, *spec})
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running[addr]--
		f.mu.Unlock()
	}()
	return f.handler(ctx, addr, spec)
}

func (f *fakeSender) runs() []ran {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ran(nil), f.ran...)
}

func ok(spec *wire.TaskSpec) *wire.TaskResult {
	r := &wire.TaskResult{Status: wire.StatusSuccess, Count: int64(spec.Partition)}
	if spec.Sink.Kind == wire.SinkShuffle {
		r.MapOutput = &wire.MapOutput{File: fmt.Sprintf("shuffle_%d_%d_%d", spec.Sink.ShuffleID, spec.Partition, spec.TaskID)}
	}
	return r
}

func resultStage(parts, parent int) *Stage {
	return &Stage{ShuffleID: -1, Partitions: parts, Parent: parent,
		Task: func(p int, blocks []wire.BlockLoc) wire.TaskSpec {
			var src wire.Source
			if parent >= 0 {
				src = wire.Source{Kind: wire.SourceShuffle, Shuffle: &wire.ShuffleRead{ShuffleID: parent, Reduce: p, Blocks: blocks}}
			}
			return wire.TaskSpec{Source: src, Sink: wire.Sink{Kind: wire.SinkCount}}
		}}
}

func mapStage(shuffle, parts, reduce int) *Stage {
	return &Stage{ShuffleID: shuffle, Partitions: parts, Parent: -1,
		Task: func(p int, _ []wire.BlockLoc) wire.TaskSpec {
			return wire.TaskSpec{Sink: wire.Sink{Kind: wire.SinkShuffle, ShuffleID: shuffle, NumReduce: reduce}}
		}}
}

// collectJob runs stages and returns the Count of each result partition.
func runJob(t *testing.T, s *Scheduler, stages ...*Stage) (map[int]int64, error) {
	t.Helper()
	got := map[int]int64{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := s.RunJob(ctx, &Job{Name: "test", Stages: stages, OnResult: func(p int, r *wire.TaskResult) error {
		if _, dup := got[p]; dup {
			t.Errorf("partition %d handed over twice", p)
		}
		got[p] = r.Count
		return nil
	}})
	return got, err
}

func TestSlotsAndResults(t *testing.T) {
	gate := make(chan struct{})
	f := newFake(func(ctx context.Context, _ string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		<-gate
		return ok(spec), nil
	})
	s := New(Config{}, f)
	s.AddExecutor("1", "a:1", 2)
	s.AddExecutor("2", "b:1", 1)
	done := make(chan struct{})
	var got map[int]int64
	var err error
	go func() { defer close(done); got, err = runJob(t, s, resultStage(10, -1)) }()
	waitFor(t, "3 tasks running", func() bool { return len(f.runs()) == 3 })
	close(gate)
	<-done
	if err != nil || len(got) != 10 {
		t.Fatalf("job = %v, %v", got, err)
	}
	for p, c := range got {
		if int64(p) != c {
			t.Errorf("partition %d got the result of %d", p, c)
		}
	}
	if f.maxRun["a:1"] > 2 || f.maxRun["b:1"] > 1 {
		t.Errorf("more tasks at once than cores: %v", f.maxRun)
	}
}

func TestShuffleStagesAndReuse(t *testing.T) {
	f := newFake(func(_ context.Context, _ string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		if spec.Source.Shuffle != nil && len(spec.Source.Shuffle.Blocks) != 4 {
			return nil, fmt.Errorf("reducer got %d blocks", len(spec.Source.Shuffle.Blocks))
		}
		return ok(spec), nil
	})
	s := New(Config{}, f)
	s.AddExecutor("1", "a:1", 2)
	s.AddExecutor("2", "b:1", 2)
	if _, err := runJob(t, s, mapStage(7, 4, 3), resultStage(3, 7)); err != nil {
		t.Fatal(err)
	}
	for m, loc := range s.MapOutputs(7) {
		if loc == nil || loc.Map != m {
			t.Fatalf("map output %d = %v", m, loc)
		}
	}
	// A second job over the same shuffle skips its map stage.
	if _, err := runJob(t, s, mapStage(7, 4, 3), resultStage(3, 7)); err != nil {
		t.Fatal(err)
	}
	for m, n := range s.Launches(7) {
		if n != 1 {
			t.Errorf("map %d launched %d times, want once", m, n)
		}
	}
}

func TestFailedTaskRetriesOnAnotherExecutor(t *testing.T) {
	var mu sync.Mutex
	failed := ""
	f := newFake(func(_ context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		mu.Lock()
		defer mu.Unlock()
		if spec.Partition == 2 && spec.Attempt == 0 {
			failed = addr
			return &wire.TaskResult{Status: wire.StatusFailed, Error: "panic: first try"}, nil
		}
		if spec.Partition == 2 && addr == failed {
			return nil, errors.New("retried on the executor it failed on")
		}
		return ok(spec), nil
	})
	s := New(Config{}, f)
	s.AddExecutor("1", "a:1", 1)
	s.AddExecutor("2", "b:1", 1)
	if got, err := runJob(t, s, resultStage(4, -1)); err != nil || len(got) != 4 {
		t.Fatalf("job = %v, %v", got, err)
	}
}

func TestTaskFailingEveryTimeFailsTheJob(t *testing.T) {
	f := newFake(func(_ context.Context, _ string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		if spec.Partition == 1 {
			return &wire.TaskResult{Status: wire.StatusFailed, Error: "boom"}, nil
		}
		return ok(spec), nil
	})
	s := New(Config{MaxTaskFailures: 4}, f)
	s.AddExecutor("1", "a:1", 1)
	s.AddExecutor("2", "b:1", 1)
	_, err := runJob(t, s, resultStage(3, -1))
	if !errors.Is(err, ErrTaskFailed) || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "4 times") {
		t.Fatalf("err = %v", err)
	}
	n := 0
	for _, r := range f.runs() {
		if r.spec.Partition == 1 {
			n++
		}
	}
	if n != 4 {
		t.Errorf("partition 1 ran %d times, want 4", n)
	}
}

func TestLostExecutorTasksRunElsewhere(t *testing.T) {
	f := newFake(func(ctx context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		if addr == "a:1" {
			<-ctx.Done() // hangs until the executor is removed
			return nil, ctx.Err()
		}
		return ok(spec), nil
	})
	s := New(Config{}, f)
	s.AddExecutor("1", "a:1", 2)
	done := make(chan error, 1)
	go func() { _, err := runJob(t, s, resultStage(4, -1)); done <- err }()
	waitFor(t, "two tasks on a", func() bool { return len(f.runs()) == 2 })
	s.AddExecutor("2", "b:1", 1)
	if !s.RemoveExecutor("1", "container exited") {
		t.Fatal("executor 1 unknown")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.RemoveExecutor("1", "again") {
		t.Error("removed twice")
	}
}

func TestUnreachableExecutorIsRemoved(t *testing.T) {
	f := newFake(func(_ context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		if addr == "a:1" {
			return nil, fmt.Errorf("%w: connection refused", wire.ErrUnreachable)
		}
		return ok(spec), nil
	})
	s := New(Config{}, f)
	s.AddExecutor("1", "a:1", 1)
	s.AddExecutor("2", "b:1", 1)
	if _, err := runJob(t, s, resultStage(4, -1)); err != nil {
		t.Fatal(err)
	}
	if ex := s.Executors(); len(ex) != 1 || ex[0].ID != "2" {
		t.Fatalf("executors = %v", ex)
	}
}

// A reducer that cannot fetch from executor 1 makes exactly executor 1's
// map partitions run again.
func TestFetchFailureRecomputesLostOutputs(t *testing.T) {
	var mu sync.Mutex
	fetchFailed := false
	f := newFake(func(_ context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		mu.Lock()
		defer mu.Unlock()
		if sh := spec.Source.Shuffle; sh != nil {
			for _, b := range sh.Blocks {
				if b.ExecutorID == "1" && !fetchFailed {
					fetchFailed = true
					return &wire.TaskResult{Status: wire.StatusFetchFailed,
						FetchFailed: &wire.FetchFailure{ShuffleID: 3, Map: b.Map, ExecutorID: "1", Addr: b.Addr}}, nil
				}
			}
		}
		return ok(spec), nil
	})
	s := New(Config{}, f)
	s.AddExecutor("1", "a:1", 2)
	s.AddExecutor("2", "b:1", 2)
	if got, err := runJob(t, s, mapStage(3, 6, 2), resultStage(2, 3)); err != nil || len(got) != 2 {
		t.Fatalf("job = %v, %v", got, err)
	}
	firstOn := map[int]string{}
	for _, r := range f.runs() {
		if _, seen := firstOn[r.spec.Partition]; r.spec.Sink.Kind == wire.SinkShuffle && !seen {
			firstOn[r.spec.Partition] = r.addr
		}
	}
	lost := 0
	for m, n := range s.Launches(3) {
		want := 1
		if firstOn[m] == "a:1" {
			want = 2
			lost++
		}
		if n != want {
			t.Errorf("map %d (first on %s) launched %d times, want %d", m, firstOn[m], n, want)
		}
	}
	if lost == 0 {
		t.Fatal("no map task ran on executor 1")
	}
}

func TestRepeatedFetchFailuresFailTheStage(t *testing.T) {
	f := newFake(func(_ context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
		if sh := spec.Source.Shuffle; sh != nil {
			b := sh.Blocks[0]
			return &wire.TaskResult{Status: wire.StatusFetchFailed,
				FetchFailed: &wire.FetchFailure{ShuffleID: 1, Map: 0, ExecutorID: b.ExecutorID}}, nil
		}
		return ok(spec), nil
	})
	s := New(Config{MaxStageAttempts: 3}, f)
	s.AddExecutor("1", "a:1", 1)
	if _, err := runJob(t, s, mapStage(1, 2, 1), resultStage(1, 1)); !errors.Is(err, ErrStageFailed) {
		t.Fatalf("err = %v, want ErrStageFailed", err)
	}
}

func TestExpireExecutors(t *testing.T) {
	now := time.Unix(1000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := New(Config{Now: clock}, newFake(nil))
	s.AddExecutor("1", "a:1", 1)
	s.AddExecutor("2", "b:1", 1)
	mu.Lock()
	now = now.Add(50 * time.Second)
	mu.Unlock()
	if !s.Heartbeat("2") || s.Heartbeat("9") {
		t.Fatal("heartbeat answers wrong")
	}
	mu.Lock()
	now = now.Add(20 * time.Second)
	mu.Unlock()
	if gone := s.ExpireExecutors(60 * time.Second); len(gone) != 1 || gone[0] != "1" {
		t.Fatalf("expired %v, want [1]", gone)
	}
	if s.TotalCores() != 1 {
		t.Fatalf("cores = %d", s.TotalCores())
	}
}

func TestCancelledJobAndStop(t *testing.T) {
	f := newFake(func(ctx context.Context, _ string, _ *wire.TaskSpec) (*wire.TaskResult, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	s := New(Config{}, f)
	s.AddExecutor("1", "a:1", 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.RunJob(ctx, &Job{Stages: []*Stage{resultStage(2, -1)}, OnResult: func(int, *wire.TaskResult) error { return nil }})
	}()
	waitFor(t, "a task running", func() bool { return len(f.runs()) == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	waitFor(t, "the slot to free", func() bool { return s.Executors()[0].Running == 0 })

	before := len(f.runs())
	go func() {
		done <- s.RunJob(context.Background(), &Job{Stages: []*Stage{resultStage(2, -1)}, OnResult: func(int, *wire.TaskResult) error { return nil }})
	}()
	waitFor(t, "a task of the second job running", func() bool { return len(f.runs()) > before })
	s.Stop()
	if err := <-done; !errors.Is(err, ErrStopped) {
		t.Fatalf("err = %v", err)
	}
	if err := s.RunJob(context.Background(), &Job{Stages: []*Stage{resultStage(1, -1)}}); !errors.Is(err, ErrStopped) {
		t.Fatalf("job after Stop: %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
