package fake

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/runtimetest"
)

// contractScript scripts the commands of the contract suite.
func contractScript() map[string]Outcome {
	return map[string]Outcome{
		runtimetest.CmdExit0:      {ExitCode: 0},
		runtimetest.CmdExit3:      {ExitCode: 3},
		runtimetest.CmdSleep:      {RunUntilStopped: true},
		runtimetest.CmdIgnoreTerm: {RunUntilStopped: true, StopExitCode: runtimetest.ExitKilled},
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestContract(t *testing.T) {
	runtimetest.Run(t,
		func(t *testing.T) containers.Runtime {
			f := New(Config{ByCommand: contractScript()})
			t.Cleanup(func() { _ = f.Close() })
			return f
		},
		runtimetest.SkipProcessChecks("the fake scripts outcomes and writes no output"),
		runtimetest.WithRestart(func(t *testing.T, old containers.Runtime) containers.Runtime {
			return old.(*Runtime).Restart()
		}))
}

var seq atomic.Int64

func newID() api.ContainerID {
	n := seq.Add(1)
	return api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, Attempt: 1}, Seq: n}
}

func spec(t *testing.T, cmd string) containers.Spec {
	return containers.Spec{ID: newID(), Command: cmd, WorkDir: t.TempDir(), LogDir: t.TempDir(), Env: map[string]string{"A": "1"}}
}

func mustStart(t *testing.T, f *Runtime, s containers.Spec) {
	t.Helper()
	if err := f.Start(context.Background(), s); err != nil {
		t.Fatalf("Start(%q): %v", s.Command, err)
	}
}

func inspect(t *testing.T, f *Runtime, id api.ContainerID) containers.Status {
	t.Helper()
	st, err := f.Inspect(context.Background(), id)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return st
}

func TestScriptedDurationsWithManualClock(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := NewManualClock(start)
	f := New(Config{
		Clock: clock,
		ByCommand: map[string]Outcome{
			"short": {ExitCode: 1, Duration: time.Minute, Diagnostics: "boom"},
			"long":  {ExitCode: 0, Duration: 5 * time.Minute},
		},
	})
	short, long := spec(t, "short"), spec(t, "long")
	mustStart(t, f, short)
	mustStart(t, f, long)

	waited := make(chan containers.Status, 1)
	go func() {
		st, _ := f.Wait(context.Background(), long.ID)
		waited <- st
	}()

	clock.Advance(59 * time.Second)
	if !inspect(t, f, short.ID).Running {
		t.Fatal("short exited before its duration")
	}
	clock.Advance(time.Second)
	if st := inspect(t, f, short.ID); st.Running || st.ExitCode != 1 || st.Diagnostics != "boom" || !st.FinishedAt.Equal(start.Add(time.Minute)) {
		t.Errorf("short after 1m: %+v", st)
	}
	if !inspect(t, f, long.ID).Running {
		t.Fatal("long exited early")
	}
	clock.Advance(10 * time.Minute)
	select {
	case st := <-waited:
		if st.ExitCode != 0 || !st.FinishedAt.Equal(start.Add(5*time.Minute)) || !st.StartedAt.Equal(start) {
			t.Errorf("long: %+v", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return after the duration passed")
	}
	if clock.Pending() != 0 {
		t.Errorf("%d timers left", clock.Pending())
	}
}

func TestOutcomeChoice(t *testing.T) {
	errBoom := errors.New("boom")
	f := New(Config{
		ByCommand: map[string]Outcome{"cmd": {ExitCode: 1}},
		Script: func(s containers.Spec) Outcome {
			if s.Env["A"] == "fail" {
				return Outcome{StartErr: errBoom}
			}
			return Outcome{ExitCode: 2}
		},
	})
	byCmd, byScript, failing := spec(t, "cmd"), spec(t, "other"), spec(t, "other")
	failing.Env["A"] = "fail"
	mustStart(t, f, byCmd)
	mustStart(t, f, byScript)
	if err := f.Start(context.Background(), failing); !errors.Is(err, errBoom) {
		t.Errorf("scripted start error: %v", err)
	}
	if _, err := f.Inspect(context.Background(), failing.ID); !errors.Is(err, containers.ErrNotFound) {
		t.Errorf("a failed start left a container: %v", err)
	}
	if st := inspect(t, f, byCmd.ID); st.ExitCode != 1 || st.Diagnostics == "" {
		t.Errorf("by command: %+v", st)
	}
	if st := inspect(t, f, byScript.ID); st.ExitCode != 2 {
		t.Errorf("by script: %+v", st)
	}
	got := f.Started()
	if len(got) != 2 || got[0].ID != byCmd.ID || got[1].ID != byScript.ID {
		t.Errorf("Started: %+v", got)
	}
	got[0].Env["A"] = "changed" // a copy
	if f.Started()[0].Env["A"] != "1" {
		t.Error("Started shares its specs' maps")
	}
	if d := New(Config{}); d.Start(context.Background(), spec(t, "x")) != nil {
		t.Error("default outcome refused a start")
	}
}

func TestStopAndExit(t *testing.T) {
	f := New(Config{StopExitCode: 137, Default: Outcome{RunUntilStopped: true}})
	a, b := spec(t, "a"), spec(t, "b")
	mustStart(t, f, a)
	mustStart(t, f, b)
	if err := f.Stop(context.Background(), a.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if st := inspect(t, f, a.ID); st.Running || st.ExitCode != 137 {
		t.Errorf("stopped: %+v, want 137", st)
	}
	if err := f.Exit(b.ID, 5, "went away"); err != nil {
		t.Fatal(err)
	}
	if st := inspect(t, f, b.ID); st.ExitCode != 5 || st.Diagnostics != "went away" {
		t.Errorf("exited: %+v", st)
	}
	if err := f.Stop(context.Background(), b.ID, 0); err != nil {
		t.Fatal(err)
	}
	if st := inspect(t, f, b.ID); st.ExitCode != 5 {
		t.Errorf("Stop changed an exited container: %+v", st)
	}
	if got := f.Stopped(); len(got) != 1 || got[0] != a.ID {
		t.Errorf("Stopped: %v, want only %s", got, a.ID)
	}
	if err := f.Exit(newID(), 0, ""); !errors.Is(err, containers.ErrNotFound) {
		t.Errorf("Exit of an unknown id: %v", err)
	}
}

func TestSurviveAndRecover(t *testing.T) {
	clock := NewManualClock(time.Unix(100, 0))
	f := New(Config{Clock: clock})
	running, exited, quick := newID(), newID(), newID()
	f.Survive(containers.Status{ID: running, Running: true, Pid: 42}, Outcome{RunUntilStopped: true})
	f.Survive(containers.Status{ID: exited, ExitCode: 9, Diagnostics: "gone"}, Outcome{})
	f.Survive(containers.Status{ID: quick, Running: true}, Outcome{Duration: time.Second, ExitCode: 4})

	if _, err := f.Inspect(context.Background(), running); !errors.Is(err, containers.ErrNotFound) {
		t.Errorf("a survivor is visible before Recover: %v", err)
	}
	dup := spec(t, "x")
	dup.ID = running
	if err := f.Start(context.Background(), dup); !errors.Is(err, containers.ErrExists) {
		t.Errorf("Start over an unrecovered survivor: %v", err)
	}
	got, err := f.Recover(context.Background())
	if err != nil || len(got) != 3 {
		t.Fatalf("Recover: %+v, %v", got, err)
	}
	if st := inspect(t, f, running); !st.Running || st.Pid != 42 {
		t.Errorf("running survivor: %+v", st)
	}
	if st, err := f.Wait(context.Background(), exited); err != nil || st.ExitCode != 9 {
		t.Errorf("exited survivor: %+v, %v", st, err)
	}
	clock.Advance(time.Second)
	if st := inspect(t, f, quick); st.Running || st.ExitCode != 4 {
		t.Errorf("survivor with a duration: %+v", st)
	}

	// Restart carries everything over, the scripted exits keep their time.
	long := spec(t, "long")
	f2 := New(Config{Clock: clock, Default: Outcome{Duration: time.Minute}})
	mustStart(t, f2, long)
	f3 := f2.Restart()
	if err := f2.Start(context.Background(), spec(t, "x")); !errors.Is(err, containers.ErrUnavailable) {
		t.Errorf("Start on the runtime Restart closed: %v", err)
	}
	if _, err := f3.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if st := inspect(t, f3, long.ID); st.Running {
		t.Errorf("carried-over container did not exit on schedule: %+v", st)
	}
	if len(f3.Started()) != 0 {
		t.Errorf("a restarted runtime reports old starts: %v", f3.Started())
	}
	if clock.Pending() != 0 {
		t.Errorf("%d timers left (an exit scheduled twice?)", clock.Pending())
	}
}

func TestManualClockOrder(t *testing.T) {
	c := NewManualClock(time.Unix(0, 0))
	var order []int
	c.AfterFunc(2*time.Second, func() { order = append(order, 2) })
	c.AfterFunc(time.Second, func() {
		order = append(order, 1)
		c.AfterFunc(500*time.Millisecond, func() { order = append(order, 15) })
	})
	stop := c.AfterFunc(time.Second, func() { order = append(order, -1) })
	c.AfterFunc(time.Second, func() { order = append(order, 10) })
	if !stop() || stop() {
		t.Error("stop: want true once, then false")
	}
	c.Advance(3 * time.Second)
	want := []int{1, 10, 15, 2}
	if len(order) != len(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
	if !c.Now().Equal(time.Unix(3, 0)) {
		t.Errorf("Now %v", c.Now())
	}
}
