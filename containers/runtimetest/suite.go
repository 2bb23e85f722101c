package runtimetest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Commands the suite runs. A runtime that does not run commands (a fake)
// scripts these outcomes by command string.
const (
	// CmdExit0 exits 0 at once.
	CmdExit0 = "exit 0"
	// CmdExit3 exits 3 at once.
	CmdExit3 = "exit 3"
	// CmdSleep runs until stopped; SIGTERM ends it (exit 143).
	CmdSleep = "sleep 60"
	// CmdIgnoreTerm prints "ready" once it ignores SIGTERM, then runs until
	// killed: only SIGKILL after the grace period ends it (exit 137).
	CmdIgnoreTerm = "trap '' TERM; echo ready; sleep 60"
	// CmdOutput writes one line to stdout and one to stderr, then exits 0.
	CmdOutput = "echo to-stdout; echo to-stderr >&2"
	// CmdEnvDir prints $GOYARN_RUNTIMETEST and the working directory.
	CmdEnvDir = `printf '%s\n%s\n' "$GOYARN_RUNTIMETEST" "$(pwd)"`
)

// Exit codes the suite expects.
const (
	ExitTerminated = 128 + 15 // stopped by SIGTERM
	ExitKilled     = 128 + 9  // killed by SIGKILL after the grace period
)

// EnvValue is what the suite sets GOYARN_RUNTIMETEST to.
const EnvValue = "value with 'quotes' and spaces"

// Option adjusts the suite to a runtime's capabilities.
type Option func(*options)

type options struct {
	noCommands string // why the runtime's commands are not really run; "" when they are
	restart    func(t *testing.T, old containers.Runtime) containers.Runtime
	image      string
	timeout    time.Duration
}

// SkipProcessChecks marks a runtime that does not really run commands (a
// fake): checks of output, environment and working directory are skipped,
// each saying reason.
func SkipProcessChecks(reason string) Option {
	return func(o *options) { o.noCommands = reason }
}

// WithRestart lets the suite check Recover: restart stands for an NM restart,
// returning a runtime that must re-find old's containers (the same instance
// after a Close is not enough for a runtime that keeps state on disk: make a
// new one on the same state). Without it the recovery check is skipped.
func WithRestart(restart func(t *testing.T, old containers.Runtime) containers.Runtime) Option {
	return func(o *options) { o.restart = restart }
}

// WithImage sets Spec.Image on every container the suite starts.
func WithImage(image string) Option {
	return func(o *options) { o.image = image }
}

// WithTimeout bounds each wait of the suite (default 15 s).
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// Run runs the contract every containers.Runtime must keep. newRuntime returns
// a fresh runtime for one subtest and registers its own cleanup (Close); the
// suite stops every container it starts before that cleanup runs. Subtests run
// in parallel.
func Run(t *testing.T, newRuntime func(t *testing.T) containers.Runtime, opts ...Option) {
	o := options{timeout: 15 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	s := &suite{opts: o, newRuntime: newRuntime, clusterTS: time.Now().UnixMilli()}
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, s)
		})
	}
}

type suite struct {
	opts       options
	newRuntime func(t *testing.T) containers.Runtime
	clusterTS  int64
	seq        atomic.Int64
}

// env is one subtest's runtime and helpers.
type env struct {
	t  *testing.T
	s  *suite
	rt containers.Runtime
}

func (s *suite) env(t *testing.T) *env {
	return &env{t: t, s: s, rt: s.newRuntime(t)}
}

// skipNoCommands skips a check that needs commands really run.
func (e *env) skipNoCommands() {
	e.t.Helper()
	if e.s.opts.noCommands != "" {
		e.t.Skip("runtime runs no real commands: " + e.s.opts.noCommands)
	}
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), e.s.opts.timeout)
	e.t.Cleanup(cancel)
	return ctx
}

// spec is a valid spec with a fresh id, fresh work and log dirs.
func (e *env) spec(command string) containers.Spec {
	n := e.s.seq.Add(1)
	return containers.Spec{
		ID: api.ContainerID{
			Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: e.s.clusterTS, Seq: 1}, Attempt: 1},
			Seq:     n,
		},
		User:     "runtimetest",
		Command:  command,
		Env:      map[string]string{"GOYARN_RUNTIMETEST": EnvValue},
		WorkDir:  e.t.TempDir(),
		LogDir:   e.t.TempDir(),
		Resource: api.Res(256, 1),
		Image:    e.s.opts.image,
		Labels:   map[string]string{"goyarn.runtimetest": "true"},
	}
}

// start starts spec on rt and, at cleanup, kills and waits for it.
func (e *env) start(rt containers.Runtime, spec containers.Spec) {
	e.t.Helper()
	if err := rt.Start(e.ctx(), spec); err != nil {
		e.t.Fatalf("Start(%s, %q): %v", spec.ID, spec.Command, err)
	}
	e.cleanupStop(rt, spec.ID)
}

// cleanupStop kills id at cleanup and waits for it, so no process outlives
// the test.
func (e *env) cleanupStop(rt containers.Runtime, id api.ContainerID) {
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), e.s.opts.timeout)
		defer cancel()
		if err := rt.Stop(ctx, id, 0); err != nil {
			if !errors.Is(err, containers.ErrNotFound) {
				e.t.Errorf("cleanup: Stop(%s): %v", id, err)
			}
			return
		}
		if _, err := rt.Wait(ctx, id); err != nil && !errors.Is(err, containers.ErrNotFound) {
			e.t.Errorf("cleanup: Wait(%s): %v", id, err)
		}
	})
}

// wait waits for id to exit and checks the status is an exited one.
func (e *env) wait(rt containers.Runtime, id api.ContainerID) containers.Status {
	e.t.Helper()
	st, err := rt.Wait(e.ctx(), id)
	if err != nil {
		e.t.Fatalf("Wait(%s): %v", id, err)
	}
	if st.Running {
		e.t.Fatalf("Wait(%s) returned a running status: %+v", id, st)
	}
	if st.ID != id {
		e.t.Errorf("Wait(%s) returned id %s", id, st.ID)
	}
	return st
}

// waitExit waits for id and checks its exit code.
func (e *env) waitExit(rt containers.Runtime, id api.ContainerID, want int) containers.Status {
	e.t.Helper()
	st := e.wait(rt, id)
	if st.ExitCode != want {
		e.t.Fatalf("Wait(%s): exit code %d, want %d (diagnostics %q)", id, st.ExitCode, want, st.Diagnostics)
	}
	return st
}

// waitForOutput waits until LogDir/stdout holds want; runtimes that run no
// commands pass at once.
func (e *env) waitForOutput(spec containers.Spec, want string) {
	e.t.Helper()
	if e.s.opts.noCommands != "" {
		return
	}
	path := filepath.Join(spec.LogDir, "stdout")
	deadline := time.Now().Add(e.s.opts.timeout)
	for {
		data, _ := os.ReadFile(path)
		if strings.Contains(string(data), want) {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: stdout never held %q (got %q)", spec.ID, want, data)
		}
		time.Sleep(5 * time.Millisecond) // polling a file for a condition, under a deadline
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}
