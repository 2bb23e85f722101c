package process

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// TestRecoverAfterNMDeath starts containers with one runtime, drops it without
// Close or Stop (as kill -9 of the NM would), and checks a new runtime on the
// same state dir takes them over.
func TestRecoverAfterNMDeath(t *testing.T) {
	dir := t.TempDir()
	first := newTestRuntime(t, dir)
	sleeping := testSpec(t, "sleep 60")
	exited := testSpec(t, "exit 7")
	onSignal := testSpec(t, "read line < fifo; exit 4")
	stubborn := testSpec(t, "trap '' TERM; echo ready; sleep 60")
	if err := syscall.Mkfifo(filepath.Join(onSignal.WorkDir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, s := range []containers.Spec{sleeping, exited, onSignal, stubborn} {
		startT(t, first, s)
	}
	if st := waitT(t, first, exited.ID); st.ExitCode != 7 {
		t.Fatalf("exit 7: %+v", st)
	}
	waitLine(t, filepath.Join(stubborn.LogDir, "stdout"))
	pidBefore, _ := first.Inspect(testCtx(t), sleeping.ID)

	second := newTestRuntime(t, dir)
	for _, s := range []containers.Spec{sleeping, onSignal, stubborn} {
		stopAtCleanup(t, second, s.ID)
	}
	got, err := second.Recover(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[api.ContainerID]bool{sleeping.ID: true, exited.ID: false, onSignal.ID: true, stubborn.ID: true}
	if len(got) != len(want) {
		t.Fatalf("Recover: %d containers, want %d: %+v", len(got), len(want), got)
	}
	for _, st := range got {
		if running, ok := want[st.ID]; !ok || st.Running != running {
			t.Errorf("Recover: %+v; want running=%v", st, running)
		}
		if st.ID == exited.ID && st.ExitCode != 7 {
			t.Errorf("Recover: exited container %+v, want exit code 7", st)
		}
		if st.ID == sleeping.ID && (st.Pid != pidBefore.Pid || !st.StartedAt.Equal(pidBefore.StartedAt)) {
			t.Errorf("Recover: %+v; want pid %d and start time %v kept", st, pidBefore.Pid, pidBefore.StartedAt)
		}
	}

	// Exits on its own while recovered: the exit code comes from its file.
	f, err := os.OpenFile(filepath.Join(onSignal.WorkDir, "fifo"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("go\n")
	_ = f.Close()
	if st := waitT(t, second, onSignal.ID); st.ExitCode != 4 || st.Running || st.FinishedAt.IsZero() {
		t.Errorf("recovered container exiting on its own: %+v, want exit code 4", st)
	}

	if err := second.Stop(testCtx(t), sleeping.ID, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if st := waitT(t, second, sleeping.ID); st.ExitCode != 143 || !strings.Contains(st.Diagnostics, "killed on request") {
		t.Errorf("recovered container stopped: %+v, want 143", st)
	}

	if err := second.Stop(testCtx(t), stubborn.ID, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if st := waitT(t, second, stubborn.ID); st.ExitCode != 137 || !strings.Contains(st.Diagnostics, "killed on request") {
		t.Errorf("recovered container killed after grace: %+v, want 137", st)
	}
	if st, err := second.Inspect(testCtx(t), exited.ID); err != nil || st.ExitCode != 7 {
		t.Errorf("Inspect of the recovered exited container: %+v, %v", st, err)
	}

	// A third runtime still knows the stubborn one's end from its outcome file.
	third := newTestRuntime(t, dir)
	got, err = third.Recover(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range got {
		if st.ID == stubborn.ID && st.ExitCode != 137 {
			t.Errorf("third runtime: %+v, want 137 from the outcome file", st)
		}
	}
}

// TestRecoverFromFiles checks the state dirs Recover meets after a crash: pid
// reused, exit code recorded or lost, pid file missing, memory kill recorded.
func TestRecoverFromFiles(t *testing.T) {
	dir := t.TempDir()
	self, err := readProcStat("/proc", os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	reusedPid := func(d string) error { return writePidFile(d, self.pid, self.startTicks+1) }
	exitCode := func(code string) func(string) error {
		return func(d string) error { return os.WriteFile(filepath.Join(d, fileExitCode), []byte(code), 0o600) }
	}
	pmem := func(d string) error {
		return writeJSON(filepath.Join(d, fileOutcome), outcome{Kind: kindPMem, ExitCode: api.ExitKilledExceededPMem, Diagnostics: "over"})
	}
	cases := []struct {
		name     string
		files    []func(string) error
		wantCode int
		wantDiag string
	}{
		{"pid reused, no exit code", []func(string) error{reusedPid}, api.ExitAborted, "exit status was lost"},
		{"pid reused, exit code", []func(string) error{reusedPid, exitCode("0\n")}, 0, ""},
		{"no pid file", nil, api.ExitAborted, "lost"},
		{"no pid file, exit code", []func(string) error{exitCode("9\n")}, 9, "non-zero exit code 9"},
		{"memory kill", []func(string) error{reusedPid, exitCode("137\n"), pmem}, api.ExitKilledExceededPMem, "over"},
	}
	ids := map[api.ContainerID]int{}
	for i, tc := range cases {
		id := testID()
		ids[id] = i
		d := filepath.Join(dir, id.String())
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(filepath.Join(d, fileSpec), saveSpec(containers.Spec{ID: id, Command: "x", LogDir: t.TempDir()}, time.Unix(1, 0))); err != nil {
			t.Fatal(err)
		}
		for _, f := range tc.files {
			if err := f(d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "not-a-container"), 0o700); err != nil {
		t.Fatal(err)
	}

	r := newTestRuntime(t, dir)
	got, err := r.Recover(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(cases) {
		t.Fatalf("Recover: %d containers, want %d", len(got), len(cases))
	}
	for _, st := range got {
		tc := cases[ids[st.ID]]
		if st.Running || st.ExitCode != tc.wantCode || !strings.Contains(st.Diagnostics, tc.wantDiag) || st.FinishedAt.IsZero() {
			t.Errorf("%s: %+v; want exit code %d, diagnostics with %q", tc.name, st, tc.wantCode, tc.wantDiag)
		}
		// Stopping an exited container must never signal the reused pid (us).
		if err := r.Stop(testCtx(t), st.ID, 0); err != nil {
			t.Errorf("%s: Stop: %v", tc.name, err)
		}
		if err := r.Remove(testCtx(t), st.ID); err != nil {
			t.Errorf("%s: Remove: %v", tc.name, err)
		}
	}
	if again, err := r.Recover(testCtx(t)); err != nil || len(again) != 0 {
		t.Errorf("Recover after Remove: %+v, %v; want nothing", again, err)
	}
}
