// Package storetest is the contract every store.Store implementation passes:
// what is put can be loaded back whole, attempts follow their application,
// epochs only grow, a closed store refuses work, and — for durable stores —
// everything survives a reopen.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// Factory makes stores for the suite.
type Factory struct {
	// New returns a fresh, empty store; the suite closes it.
	New func(t *testing.T) store.Store
	// Reopen, for durable stores, closes s and opens a new store on the same
	// backing data. Nil for stores that keep nothing.
	Reopen func(t *testing.T, s store.Store) store.Store
	// MaxRecordBytes, when non-zero, is the store's per-record limit: the
	// suite checks that a bigger submission is refused with ErrTooLarge.
	MaxRecordBytes int
}

// Run runs the contract.
func Run(t *testing.T, f Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, Factory)
	}{
		{"EmptyLoad", testEmptyLoad},
		{"PutLoadRoundTrip", testRoundTrip},
		{"PutAppReplaces", testPutAppReplaces},
		{"AttemptsFollowTheirApp", testAttempts},
		{"AttemptForUnknownApp", testAttemptUnknownApp},
		{"RemoveApp", testRemove},
		{"EpochGrows", testEpoch},
		{"Closed", testClosed},
		{"ConcurrentWriters", testConcurrent},
		{"TooLarge", testTooLarge},
		{"SurvivesReopen", testReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, f) })
	}
}

var ts0 = time.UnixMilli(1700000000000)

// App returns a fully populated application record with sequence seq.
func App(seq int32) store.AppRecord {
	id := api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: seq}
	return store.AppRecord{
		ID:   id,
		User: "alice",
		Submission: api.SubmissionContext{
			ApplicationID: id, Name: fmt.Sprintf("app-%d", seq), Queue: "default", Priority: 3,
			ApplicationType: "YARN", Tags: []string{"a", "b"}, AMResource: api.Res(1024, 1), MaxAttempts: 2,
			AMContainer: api.LaunchContext{
				Commands:       []string{"./appmaster shell --num-containers 4"},
				Environment:    map[string]string{"K": "V"},
				LocalResources: map[string]api.LocalResource{"appmaster": {URL: "file:///tmp/x", Type: api.ResourceFile, Size: 10}},
			},
		},
		Queue: "root.default", SubmitTime: ts0, StartTime: ts0.Add(time.Millisecond),
		State: api.AppAccepted, FinalStatus: api.FinalUndefined,
	}
}

// Attempt returns a populated attempt record of app.
func Attempt(app api.ApplicationID, n int32) store.AttemptRecord {
	aid := api.AttemptID{App: app, Attempt: n}
	return store.AttemptRecord{
		ID: aid, AMContainerID: api.ContainerID{Attempt: aid, Epoch: 2, Seq: 1},
		NodeID: api.NodeID{Host: "127.0.0.1", Port: 8041}, NodeHTTP: "127.0.0.1:8042",
		StartTime: ts0, State: api.AttemptRunning, FinalStatus: api.FinalUndefined, ExitStatus: api.ExitInvalid,
	}
}

func open(t *testing.T, f Factory) store.Store {
	s := f.New(t)
	t.Cleanup(func() { s.Close() })
	return s
}

func load(t *testing.T, s store.Store) store.State {
	t.Helper()
	st, err := s.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return st
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sameApp compares records, times by instant.
func sameApp(t *testing.T, got, want store.AppRecord) {
	t.Helper()
	for _, p := range [][2]*time.Time{{&got.SubmitTime, &want.SubmitTime}, {&got.StartTime, &want.StartTime}, {&got.FinishTime, &want.FinishTime}} {
		if !p[0].Equal(*p[1]) {
			t.Fatalf("time %v != %v", *p[0], *p[1])
		}
		*p[0], *p[1] = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("app record\n got %+v\nwant %+v", got, want)
	}
}

func sameAttempt(t *testing.T, got, want store.AttemptRecord) {
	t.Helper()
	if !got.StartTime.Equal(want.StartTime) || !got.FinishTime.Equal(want.FinishTime) {
		t.Fatalf("attempt times %v/%v != %v/%v", got.StartTime, got.FinishTime, want.StartTime, want.FinishTime)
	}
	got.StartTime, want.StartTime, got.FinishTime, want.FinishTime = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("attempt record\n got %+v\nwant %+v", got, want)
	}
}

func testEmptyLoad(t *testing.T, f Factory) {
	st := load(t, open(t, f))
	if st.Epoch != 0 || len(st.Apps) != 0 {
		t.Fatalf("fresh store holds %+v", st)
	}
}

func testRoundTrip(t *testing.T, f Factory) {
	s := open(t, f)
	ctx := context.Background()
	a := App(1)
	must(t, s.PutApp(ctx, a))
	must(t, s.PutAttempt(ctx, Attempt(a.ID, 1)))
	st := load(t, s)
	if len(st.Apps) != 1 || len(st.Apps[0].Attempts) != 1 {
		t.Fatalf("loaded %+v", st)
	}
	sameApp(t, st.Apps[0].AppRecord, a)
	sameAttempt(t, st.Apps[0].Attempts[0], Attempt(a.ID, 1))
}

func testPutAppReplaces(t *testing.T, f Factory) {
	s := open(t, f)
	ctx := context.Background()
	a := App(1)
	must(t, s.PutApp(ctx, a))
	must(t, s.PutAttempt(ctx, Attempt(a.ID, 1)))
	a.State, a.FinalStatus, a.Diagnostics, a.FinishTime = api.AppFinished, api.FinalSucceeded, "done", ts0.Add(time.Minute)
	must(t, s.PutApp(ctx, a))
	st := load(t, s)
	if len(st.Apps) != 1 {
		t.Fatalf("want 1 app, got %d", len(st.Apps))
	}
	sameApp(t, st.Apps[0].AppRecord, a)
	if len(st.Apps[0].Attempts) != 1 {
		t.Fatalf("replacing the app lost its attempts: %+v", st.Apps[0].Attempts)
	}
}

func testAttempts(t *testing.T, f Factory) {
	s := open(t, f)
	ctx := context.Background()
	a, b := App(1), App(2)
	must(t, s.PutApp(ctx, b))
	must(t, s.PutApp(ctx, a))
	must(t, s.PutAttempt(ctx, Attempt(a.ID, 2)))
	must(t, s.PutAttempt(ctx, Attempt(a.ID, 1)))
	fin := Attempt(a.ID, 1)
	fin.State, fin.ExitStatus, fin.Diagnostics, fin.FinishTime = api.AttemptFailed, 1, "AM exited with 1", ts0.Add(time.Second)
	must(t, s.PutAttempt(ctx, fin))
	st := load(t, s)
	if len(st.Apps) != 2 || st.Apps[0].ID != a.ID || st.Apps[1].ID != b.ID {
		t.Fatalf("apps not in id order: %+v", st.Apps)
	}
	at := st.Apps[0].Attempts
	if len(at) != 2 || at[0].ID.Attempt != 1 || at[1].ID.Attempt != 2 {
		t.Fatalf("attempts not in order: %+v", at)
	}
	sameAttempt(t, at[0], fin)
	if len(st.Apps[1].Attempts) != 0 {
		t.Fatalf("attempts leaked to another app")
	}
}

func testAttemptUnknownApp(t *testing.T, f Factory) {
	s := open(t, f)
	err := s.PutAttempt(context.Background(), Attempt(App(9).ID, 1))
	if !errors.Is(err, store.ErrUnknownApp) {
		t.Fatalf("err = %v, want ErrUnknownApp", err)
	}
	if st := load(t, s); len(st.Apps) != 0 {
		t.Fatalf("refused write left %+v", st)
	}
}

func testRemove(t *testing.T, f Factory) {
	s := open(t, f)
	ctx := context.Background()
	a := App(1)
	must(t, s.PutApp(ctx, a))
	must(t, s.PutAttempt(ctx, Attempt(a.ID, 1)))
	must(t, s.PutApp(ctx, App(2)))
	must(t, s.RemoveApp(ctx, a.ID))
	must(t, s.RemoveApp(ctx, App(7).ID))
	st := load(t, s)
	if len(st.Apps) != 1 || st.Apps[0].ID != App(2).ID {
		t.Fatalf("after remove: %+v", st.Apps)
	}
	// Re-adding a removed id starts clean.
	must(t, s.PutApp(ctx, a))
	if st := load(t, s); len(st.Apps[0].Attempts) != 0 {
		t.Fatalf("removed attempts came back: %+v", st.Apps[0].Attempts)
	}
}

func testEpoch(t *testing.T, f Factory) {
	s := open(t, f)
	prev := load(t, s).Epoch
	for i := 0; i < 3; i++ {
		e, err := s.BumpEpoch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if e != prev+1 {
			t.Fatalf("epoch %d after %d", e, prev)
		}
		prev = e
	}
	if got := load(t, s).Epoch; got != prev {
		t.Fatalf("loaded epoch %d, want %d", got, prev)
	}
}

func testClosed(t *testing.T, f Factory) {
	s := f.New(t)
	must(t, s.Close())
	ctx := context.Background()
	if _, err := s.Load(ctx); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Load after Close: %v", err)
	}
	if err := s.PutApp(ctx, App(1)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("PutApp after Close: %v", err)
	}
	if _, err := s.BumpEpoch(ctx); !errors.Is(err, store.ErrClosed) {
		t.Errorf("BumpEpoch after Close: %v", err)
	}
}

func testConcurrent(t *testing.T, f Factory) {
	s := open(t, f)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := int32(1); w <= 8; w++ {
		wg.Add(1)
		go func(seq int32) {
			defer wg.Done()
			a := App(seq)
			if err := s.PutApp(ctx, a); err != nil {
				errs <- err
				return
			}
			if err := s.PutAttempt(ctx, Attempt(a.ID, 1)); err != nil {
				errs <- err
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := load(t, s)
	if len(st.Apps) != 8 {
		t.Fatalf("want 8 apps, got %d", len(st.Apps))
	}
	for _, a := range st.Apps {
		if len(a.Attempts) != 1 {
			t.Fatalf("%s has %d attempts", a.ID, len(a.Attempts))
		}
	}
}

func testTooLarge(t *testing.T, f Factory) {
	if f.MaxRecordBytes == 0 {
		t.Skip("this store has no per-record limit")
	}
	s := open(t, f)
	a := App(1)
	a.Submission.AMContainer.Environment["BIG"] = strings.Repeat("x", f.MaxRecordBytes)
	err := s.PutApp(context.Background(), a)
	if !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("oversized record: err = %v, want ErrTooLarge", err)
	}
	if st := load(t, s); len(st.Apps) != 0 {
		t.Fatalf("oversized record was stored")
	}
}

func testReopen(t *testing.T, f Factory) {
	if f.Reopen == nil {
		t.Skip("this store keeps nothing across a reopen")
	}
	s := f.New(t)
	ctx := context.Background()
	a := App(1)
	must(t, s.PutApp(ctx, a))
	must(t, s.PutAttempt(ctx, Attempt(a.ID, 1)))
	e, err := s.BumpEpoch(ctx)
	must(t, err)
	s = f.Reopen(t, s)
	t.Cleanup(func() { s.Close() })
	st := load(t, s)
	if st.Epoch != e || len(st.Apps) != 1 || len(st.Apps[0].Attempts) != 1 {
		t.Fatalf("after reopen: %+v", st)
	}
	sameApp(t, st.Apps[0].AppRecord, a)
}
