package runtimetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

type testCase struct {
	name string
	run  func(t *testing.T, s *suite)
}

func cases() []testCase {
	return []testCase{
		{"Name", testName},
		{"ExitCodes", testExitCodes},
		{"StopSleeping", testStopSleeping},
		{"StopKillsAfterGrace", testStopKillsAfterGrace},
		{"StopExited", testStopExited},
		{"DuplicateStart", testDuplicateStart},
		{"InvalidSpecs", testInvalidSpecs},
		{"Inspect", testInspect},
		{"WaitHonoursContext", testWaitHonoursContext},
		{"UnknownID", testUnknownID},
		{"Remove", testRemove},
		{"Concurrent", testConcurrent},
		{"Logs", testLogs},
		{"EnvAndWorkDir", testEnvAndWorkDir},
		{"Recover", testRecover},
	}
}

func testName(t *testing.T, s *suite) {
	if s.env(t).rt.Name() == "" {
		t.Error("Name() is empty")
	}
}

func testExitCodes(t *testing.T, s *suite) {
	e := s.env(t)
	for _, tc := range []struct {
		cmd  string
		want int
	}{{CmdExit0, 0}, {CmdExit3, 3}} {
		spec := e.spec(tc.cmd)
		e.start(e.rt, spec)
		st := e.waitExit(e.rt, spec.ID, tc.want)
		if st.FinishedAt.IsZero() || st.FinishedAt.Before(st.StartedAt) {
			t.Errorf("%q: StartedAt %v, FinishedAt %v: want FinishedAt set, not before StartedAt", tc.cmd, st.StartedAt, st.FinishedAt)
		}
	}
}

func testStopSleeping(t *testing.T, s *suite) {
	e := s.env(t)
	spec := e.spec(CmdSleep)
	e.start(e.rt, spec)
	if err := e.rt.Stop(e.ctx(), spec.ID, 10*time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	e.waitExit(e.rt, spec.ID, ExitTerminated)
}

func testStopKillsAfterGrace(t *testing.T, s *suite) {
	e := s.env(t)
	spec := e.spec(CmdIgnoreTerm)
	e.start(e.rt, spec)
	e.waitForOutput(spec, "ready")
	if err := e.rt.Stop(e.ctx(), spec.ID, 200*time.Millisecond); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	e.waitExit(e.rt, spec.ID, ExitKilled)
}

func testStopExited(t *testing.T, s *suite) {
	e := s.env(t)
	spec := e.spec(CmdExit3)
	e.start(e.rt, spec)
	e.waitExit(e.rt, spec.ID, 3)
	for range 2 {
		if err := e.rt.Stop(e.ctx(), spec.ID, time.Second); err != nil {
			t.Fatalf("Stop on an exited container: %v", err)
		}
	}
	st, err := e.rt.Inspect(e.ctx(), spec.ID)
	if err != nil || st.Running || st.ExitCode != 3 {
		t.Errorf("Inspect after Stop of an exited container: %+v, %v; want exit code 3 kept", st, err)
	}
}

func testDuplicateStart(t *testing.T, s *suite) {
	e := s.env(t)
	running := e.spec(CmdSleep)
	e.start(e.rt, running)
	wantErr(t, "Start of a running container's id", e.rt.Start(e.ctx(), running), containers.ErrExists)

	exited := e.spec(CmdExit0)
	e.start(e.rt, exited)
	e.waitExit(e.rt, exited.ID, 0)
	wantErr(t, "Start of an exited, not removed container's id", e.rt.Start(e.ctx(), exited), containers.ErrExists)
}

func testInvalidSpecs(t *testing.T, s *suite) {
	e := s.env(t)
	missing := filepath.Join(t.TempDir(), "does-not-exist")
	for _, tc := range []struct {
		name   string
		mutate func(*containers.Spec)
	}{
		{"empty command", func(sp *containers.Spec) { sp.Command = "" }},
		{"blank command", func(sp *containers.Spec) { sp.Command = " \t\n" }},
		{"no work dir", func(sp *containers.Spec) { sp.WorkDir = "" }},
		{"missing work dir", func(sp *containers.Spec) { sp.WorkDir = missing }},
		{"no log dir", func(sp *containers.Spec) { sp.LogDir = "" }},
		{"missing log dir", func(sp *containers.Spec) { sp.LogDir = missing }},
		{"zero id", func(sp *containers.Spec) { sp.ID = api.ContainerID{} }},
	} {
		spec := e.spec(CmdExit0)
		tc.mutate(&spec)
		wantErr(t, tc.name, e.rt.Start(e.ctx(), spec), containers.ErrInvalidSpec)
		if spec.ID.IsZero() {
			continue
		}
		if _, err := e.rt.Inspect(e.ctx(), spec.ID); !errors.Is(err, containers.ErrNotFound) {
			t.Errorf("%s: Inspect after a refused Start: %v, want ErrNotFound", tc.name, err)
		}
		// A refused start leaves nothing behind: the id is still free.
		good := e.spec(CmdExit0)
		good.ID = spec.ID
		e.start(e.rt, good)
		e.waitExit(e.rt, good.ID, 0)
	}
}

func testInspect(t *testing.T, s *suite) {
	e := s.env(t)
	spec := e.spec(CmdSleep)
	e.start(e.rt, spec)
	st, err := e.rt.Inspect(e.ctx(), spec.ID)
	if err != nil {
		t.Fatalf("Inspect running: %v", err)
	}
	if !st.Running || st.ID != spec.ID || st.Pid <= 0 || st.StartedAt.IsZero() || st.ExitCode != 0 || !st.FinishedAt.IsZero() {
		t.Errorf("Inspect running: %+v; want Running, its id, a pid, StartedAt, no exit code, no FinishedAt", st)
	}
	if err := e.rt.Stop(e.ctx(), spec.ID, 10*time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	waited := e.waitExit(e.rt, spec.ID, ExitTerminated)
	st, err = e.rt.Inspect(e.ctx(), spec.ID)
	if err != nil {
		t.Fatalf("Inspect exited: %v", err)
	}
	if !sameStatus(st, waited) {
		t.Errorf("Inspect after exit: %+v, want what Wait returned: %+v", st, waited)
	}
}

func testWaitHonoursContext(t *testing.T, s *suite) {
	e := s.env(t)
	spec := e.spec(CmdSleep)
	e.start(e.rt, spec)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.rt.Wait(ctx, spec.ID)
	wantErr(t, "Wait past its deadline", err, context.DeadlineExceeded)
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	_, err = e.rt.Wait(done, spec.ID)
	wantErr(t, "Wait with a cancelled context", err, context.Canceled)
	if st, err := e.rt.Inspect(e.ctx(), spec.ID); err != nil || !st.Running {
		t.Errorf("Inspect after abandoned Waits: %+v, %v; want still running", st, err)
	}
}

func testUnknownID(t *testing.T, s *suite) {
	e := s.env(t)
	id := e.spec(CmdExit0).ID
	_, err := e.rt.Wait(e.ctx(), id)
	wantErr(t, "Wait", err, containers.ErrNotFound)
	_, err = e.rt.Inspect(e.ctx(), id)
	wantErr(t, "Inspect", err, containers.ErrNotFound)
	wantErr(t, "Stop", e.rt.Stop(e.ctx(), id, time.Second), containers.ErrNotFound)
	wantErr(t, "Remove", e.rt.Remove(e.ctx(), id), containers.ErrNotFound)
}

func testRemove(t *testing.T, s *suite) {
	e := s.env(t)
	spec := e.spec(CmdSleep)
	e.start(e.rt, spec)
	if err := e.rt.Remove(e.ctx(), spec.ID); err == nil || errors.Is(err, containers.ErrNotFound) {
		t.Errorf("Remove of a running container: %v, want an error other than ErrNotFound", err)
	}
	if err := e.rt.Stop(e.ctx(), spec.ID, 10*time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	e.wait(e.rt, spec.ID)
	if err := e.rt.Remove(e.ctx(), spec.ID); err != nil {
		t.Fatalf("Remove of an exited container: %v", err)
	}
	_, err := e.rt.Inspect(e.ctx(), spec.ID)
	wantErr(t, "Inspect after Remove", err, containers.ErrNotFound)
	again := e.spec(CmdExit3)
	again.ID = spec.ID
	e.start(e.rt, again)
	e.waitExit(e.rt, again.ID, 3)
}

func testConcurrent(t *testing.T, s *suite) {
	e := s.env(t)
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		cmd, want := CmdExit0, 0
		if i%2 == 1 {
			cmd, want = CmdExit3, 3
		}
		spec := e.spec(cmd)
		e.cleanupStop(e.rt, spec.ID)
		wg.Go(func() {
			if err := e.rt.Start(e.ctx(), spec); err != nil {
				errs <- fmt.Errorf("Start(%s): %w", spec.ID, err)
				return
			}
			st, err := e.rt.Wait(e.ctx(), spec.ID)
			if err != nil || st.ExitCode != want {
				errs <- fmt.Errorf("Wait(%s): %+v, %v; want exit code %d", spec.ID, st, err, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func testLogs(t *testing.T, s *suite) {
	e := s.env(t)
	e.skipNoCommands()
	spec := e.spec(CmdOutput)
	e.start(e.rt, spec)
	e.waitExit(e.rt, spec.ID, 0)
	for file, want := range map[string]string{"stdout": "to-stdout\n", "stderr": "to-stderr\n"} {
		got, err := os.ReadFile(filepath.Join(spec.LogDir, file))
		if err != nil || string(got) != want {
			t.Errorf("LogDir/%s: %q, %v; want %q", file, got, err, want)
		}
	}
}

func testEnvAndWorkDir(t *testing.T, s *suite) {
	e := s.env(t)
	e.skipNoCommands()
	spec := e.spec(CmdEnvDir)
	e.start(e.rt, spec)
	e.waitExit(e.rt, spec.ID, 0)
	got, err := os.ReadFile(filepath.Join(spec.LogDir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	workDir, _ := filepath.EvalSymlinks(spec.WorkDir)
	if len(lines) != 2 || lines[0] != EnvValue {
		t.Fatalf("output %q: want $GOYARN_RUNTIMETEST %q then the work dir", got, EnvValue)
	}
	if pwd, _ := filepath.EvalSymlinks(lines[1]); pwd != workDir {
		t.Errorf("working directory %q, want %q", lines[1], spec.WorkDir)
	}
}

func testRecover(t *testing.T, s *suite) {
	if s.opts.restart == nil {
		t.Skip("runtime gives the suite no way to restart it (WithRestart)")
	}
	e := s.env(t)
	running, exited := e.spec(CmdSleep), e.spec(CmdExit3)
	e.start(e.rt, running)
	e.start(e.rt, exited)
	e.waitExit(e.rt, exited.ID, 3)
	before, err := e.rt.Inspect(e.ctx(), running.ID)
	if err != nil {
		t.Fatal(err)
	}

	rt := s.opts.restart(t, e.rt)
	e.cleanupStop(rt, running.ID)
	got, err := rt.Recover(e.ctx())
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	byID := map[api.ContainerID]containers.Status{}
	for _, st := range got {
		byID[st.ID] = st
	}
	if st, ok := byID[running.ID]; !ok || !st.Running || st.Pid != before.Pid {
		t.Errorf("Recover: running container %s: %+v (found %v); want running, pid %d", running.ID, st, ok, before.Pid)
	}
	if st, ok := byID[exited.ID]; !ok || st.Running || st.ExitCode != 3 {
		t.Errorf("Recover: exited container %s: %+v (found %v); want exit code 3", exited.ID, st, ok)
	}
	if st, err := rt.Inspect(e.ctx(), running.ID); err != nil || !st.Running {
		t.Errorf("Inspect after Recover: %+v, %v; want running", st, err)
	}
	if err := rt.Stop(e.ctx(), running.ID, 10*time.Second); err != nil {
		t.Fatalf("Stop after Recover: %v", err)
	}
	e.waitExit(rt, running.ID, ExitTerminated)
	if st, err := rt.Inspect(e.ctx(), exited.ID); err != nil || st.ExitCode != 3 {
		t.Errorf("Inspect of the exited container after Recover: %+v, %v; want exit code 3", st, err)
	}
	if err := rt.Remove(e.ctx(), exited.ID); err != nil {
		t.Errorf("Remove of a recovered exited container: %v", err)
	}
}

// sameStatus compares statuses, times by instant.
func sameStatus(a, b containers.Status) bool {
	return a.ID == b.ID && a.Running == b.Running && a.ExitCode == b.ExitCode && a.Diagnostics == b.Diagnostics &&
		a.Pid == b.Pid && a.StartedAt.Equal(b.StartedAt) && a.FinishedAt.Equal(b.FinishedAt)
}
