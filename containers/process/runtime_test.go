package process

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/runtimetest"
)

func TestContract(t *testing.T) {
	runtimetest.Run(t,
		func(t *testing.T) containers.Runtime { return newTestRuntime(t, t.TempDir()) },
		runtimetest.WithRestart(func(t *testing.T, old containers.Runtime) containers.Runtime {
			o := old.(*Runtime)
			if err := o.Close(); err != nil { // must leave the containers running
				t.Fatal(err)
			}
			return newTestRuntime(t, o.stateDir)
		}))
}

func TestEnvIsExactlySpecEnv(t *testing.T) {
	t.Setenv("GOYARN_MUST_NOT_LEAK", "1")
	r := newTestRuntime(t, t.TempDir())
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"PATH added", map[string]string{"A": "1", "B": "x y"},
			map[string]string{"A": "1", "B": "x y", "PATH": defaultPath}},
		{"PATH kept", map[string]string{"PATH": "/bin:/usr/bin", "EMPTY": ""},
			map[string]string{"PATH": "/bin:/usr/bin", "EMPTY": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := testSpec(t, "env")
			spec.Env = tc.env
			startT(t, r, spec)
			if st := waitT(t, r, spec.ID); st.ExitCode != 0 {
				t.Fatalf("env exited %d: %s", st.ExitCode, st.Diagnostics)
			}
			data, err := os.ReadFile(filepath.Join(spec.LogDir, "stdout"))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				k, v, _ := strings.Cut(line, "=")
				got[k] = v
			}
			delete(got, "PWD") // the shell exports its working directory itself
			if len(got) != len(tc.want) {
				t.Errorf("environment %v, want exactly %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s=%q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestStateDirFiles(t *testing.T) {
	r := newTestRuntime(t, t.TempDir())
	spec := testSpec(t, `echo "it's quoted"; exit 3`)
	startT(t, r, spec)
	st := waitT(t, r, spec.ID)
	if st.ExitCode != 3 || !strings.Contains(st.Diagnostics, "non-zero exit code 3") {
		t.Errorf("status %+v: want exit code 3 with diagnostics", st)
	}
	script, err := os.ReadFile(stateFile(r, spec.ID, fileLaunch))
	if err != nil || !strings.Contains(string(script), strings.ReplaceAll(spec.Command, "'", `'\''`)) {
		t.Errorf("launch script %q (%v): want it to hold the quoted command", script, err)
	}
	pid, ticks, err := readPidFile(filepath.Dir(stateFile(r, spec.ID, filePid)))
	if err != nil || pid != st.Pid || ticks == 0 {
		t.Errorf("pid file: pid %d ticks %d (%v); want pid %d and a start time", pid, ticks, err, st.Pid)
	}
	if code, _, ok := readExitCode(filepath.Dir(stateFile(r, spec.ID, fileExitCode))); !ok || code != 3 {
		t.Errorf("exit-code file: %d (present %v), want 3", code, ok)
	}
	if out, _ := os.ReadFile(filepath.Join(spec.LogDir, "stdout")); string(out) != "it's quoted\n" {
		t.Errorf("stdout %q", out)
	}
	if err := r.Remove(testCtx(t), spec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(stateFile(r, spec.ID, fileSpec))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state dir after Remove: %v, want gone", err)
	}
}

func TestStopKillsWholeGroup(t *testing.T) {
	r := newTestRuntime(t, t.TempDir())
	// A background child that ignores SIGTERM outlives the shell's TERM; the
	// SIGKILL that follows must reach it.
	spec := testSpec(t, "(trap '' TERM; exec sleep 60) & echo $! > bg.pid; wait")
	startT(t, r, spec)
	bg := waitLine(t, filepath.Join(spec.WorkDir, "bg.pid"))
	bgPid, err := strconv.Atoi(bg)
	if err != nil {
		t.Fatalf("bg.pid %q: %v", bg, err)
	}
	if err := r.Stop(testCtx(t), spec.ID, time.Second); err != nil {
		t.Fatal(err)
	}
	st := waitT(t, r, spec.ID)
	if st.ExitCode != 143 || !strings.Contains(st.Diagnostics, "killed on request") {
		t.Errorf("status %+v: want 143, killed on request", st)
	}
	eventually(t, "background child to die", func() bool { return !processAlive("/proc", bgPid, 0) })
}

func TestStartRefusals(t *testing.T) {
	dir := t.TempDir()
	r := newTestRuntime(t, dir)

	// A state dir left by an earlier runtime and not recovered holds its id.
	spec := testSpec(t, "exit 0")
	if err := os.Mkdir(filepath.Join(dir, spec.ID.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	wantErrIs(t, "Start over an unrecovered state dir", r.Start(testCtx(t), spec), containers.ErrExists)

	bad := testSpec(t, "exit 0")
	bad.Env = map[string]string{"A=B": "x"}
	bad.Resource.MemoryMB = -1
	err := r.Start(testCtx(t), bad)
	wantErrIs(t, "Start with a malformed env", err, containers.ErrInvalidSpec)
	if err == nil || !strings.Contains(err.Error(), "malformed") || !strings.Contains(err.Error(), "negative") {
		t.Errorf("error %v: want every problem named", err)
	}

	// Concurrent starts of one id: exactly one wins.
	same := testSpec(t, "sleep 60")
	stopAtCleanup(t, r, same.ID)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = r.Start(testCtx(t), same) })
	}
	wg.Wait()
	var ok int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, containers.ErrExists):
			t.Errorf("concurrent Start: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent Starts of one id succeeded, want 1", ok)
	}

	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	wantErrIs(t, "Start after Close", r.Start(testCtx(t), testSpec(t, "exit 0")), containers.ErrUnavailable)
	_, err = r.Recover(testCtx(t))
	wantErrIs(t, "Recover after Close", err, containers.ErrUnavailable)
	if st, err := r.Inspect(testCtx(t), same.ID); err != nil || !st.Running {
		t.Errorf("after Close: %+v, %v; want the container still running", st, err)
	}
}

func TestConfigValidate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.StateDir = "/var/lib/goyarn/containers"
	if err := cfg.Validate(); err != nil {
		t.Errorf("default config with a state dir: %v", err)
	}
	err := Config{EnforceMemory: true}.Validate()
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Errorf("empty config: %v; want three problems", err)
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New with an empty config succeeded")
	}
}

func TestBuildEnvSorted(t *testing.T) {
	env := buildEnv(map[string]string{"Z": "1", "A": "2"})
	if !sort.StringsAreSorted(env) || len(env) != 3 {
		t.Errorf("buildEnv: %v", env)
	}
}

func TestSignalGroupRefusesLowPids(t *testing.T) {
	for _, pgid := range []int{-5, 0, 1} {
		if err := signalGroup(pgid, syscall.Signal(0)); err == nil {
			t.Errorf("signalGroup(%d) accepted", pgid)
		}
	}
}
