package fake

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// ErrStillRunning is containers.ErrRunning, kept for callers of this package.
var ErrStillRunning = containers.ErrRunning

// DefaultStopExitCode is what a stopped container exits with (SIGTERM).
const DefaultStopExitCode = 128 + 15

// Outcome scripts one container.
type Outcome struct {
	// ExitCode is what the container exits with on its own.
	ExitCode int
	// Duration is how long it runs before exiting; 0 exits at once.
	Duration time.Duration
	// RunUntilStopped keeps it running until Stop (or Exit); Duration is
	// ignored.
	RunUntilStopped bool
	// StartErr makes Start fail with it; nothing is started.
	StartErr error
	// Diagnostics is the status's diagnostics when it exits on its own;
	// empty means YARN's "non-zero exit code" line for a failure.
	Diagnostics string
	// StopExitCode is what Stop makes it exit with; 0 means the runtime's.
	StopExitCode int
}

// Config scripts the fake. The outcome of a Start is ByCommand[spec.Command]
// when present, else Script(spec) when set, else Default.
type Config struct {
	ByCommand map[string]Outcome
	Script    func(containers.Spec) Outcome
	Default   Outcome // the zero Outcome: exit 0 at once
	// StopExitCode is what Stop makes a container exit with; 0 means
	// DefaultStopExitCode.
	StopExitCode int
	// Clock times durations; nil means RealClock.
	Clock Clock
}

// Runtime is a containers.Runtime that runs nothing: containers follow their
// scripted Outcome. Safe for concurrent use.
type Runtime struct {
	cfg   Config
	clock Clock

	mu      sync.Mutex
	ctrs    map[api.ContainerID]*ctr
	pending map[api.ContainerID]*ctr // survived a restart; Recover reveals them
	started []containers.Spec
	stopped []api.ContainerID
	nextPid int
	closed  bool
}

var _ containers.Runtime = (*Runtime)(nil)

// New returns a fake runtime.
func New(cfg Config) *Runtime {
	clock := cfg.Clock
	if clock == nil {
		clock = RealClock{}
	}
	return &Runtime{cfg: cfg, clock: clock, ctrs: map[api.ContainerID]*ctr{}, pending: map[api.ContainerID]*ctr{}, nextPid: 10000}
}

// ctr is one fake container; it outlives the Runtime that started it when
// carried over by Restart.
type ctr struct {
	outcome Outcome
	done    chan struct{}

	mu        sync.Mutex
	st        containers.Status
	scheduled bool        // run has been called
	timer     func() bool // stops the scheduled exit
}

func (c *ctr) status() containers.Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// run schedules the container's own exit per its outcome, once.
func (c *ctr) run(clock Clock) {
	c.mu.Lock()
	already := c.scheduled || !c.st.Running
	c.scheduled = true
	c.mu.Unlock()
	if already {
		return
	}
	o := c.outcome
	switch {
	case o.RunUntilStopped:
	case o.Duration <= 0:
		c.exit(clock.Now(), o.ExitCode, exitDiagnostics(o))
	default:
		stop := clock.AfterFunc(o.Duration, func() { c.exit(clock.Now(), o.ExitCode, exitDiagnostics(o)) })
		c.mu.Lock()
		if c.st.Running {
			c.timer = stop
		}
		c.mu.Unlock()
	}
}

// exit ends the container once; it reports whether this call ended it.
func (c *ctr) exit(now time.Time, code int, diag string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.st.Running {
		return false
	}
	c.st.Running, c.st.ExitCode, c.st.Diagnostics, c.st.FinishedAt = false, code, diag, now
	if c.timer != nil {
		c.timer()
	}
	close(c.done)
	return true
}

func exitDiagnostics(o Outcome) string {
	if o.Diagnostics == "" && o.ExitCode != 0 {
		return fmt.Sprintf("Container exited with a non-zero exit code %d.", o.ExitCode)
	}
	return o.Diagnostics
}

// Name is "fake".
func (f *Runtime) Name() string { return "fake" }

// Start checks spec as a real runtime would and starts the container per its
// scripted outcome.
func (f *Runtime) Start(ctx context.Context, spec containers.Spec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	o := f.outcome(spec)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.closed:
		return fmt.Errorf("%w: fake runtime is closed", containers.ErrUnavailable)
	case f.ctrs[spec.ID] != nil || f.pending[spec.ID] != nil:
		return fmt.Errorf("%w: %s", containers.ErrExists, spec.ID)
	case o.StartErr != nil:
		return o.StartErr
	}
	f.nextPid++
	c := &ctr{outcome: o, done: make(chan struct{}),
		st: containers.Status{ID: spec.ID, Running: true, Pid: f.nextPid, StartedAt: f.clock.Now()}}
	f.ctrs[spec.ID] = c
	f.started = append(f.started, cloneSpec(spec))
	c.run(f.clock)
	return nil
}

func (f *Runtime) outcome(spec containers.Spec) Outcome {
	if o, ok := f.cfg.ByCommand[spec.Command]; ok {
		return o
	}
	if f.cfg.Script != nil {
		return f.cfg.Script(spec)
	}
	return f.cfg.Default
}

// Wait blocks until the container has exited or ctx is done.
func (f *Runtime) Wait(ctx context.Context, id api.ContainerID) (containers.Status, error) {
	c, err := f.get(id)
	if err != nil {
		return containers.Status{}, err
	}
	select {
	case <-c.done:
		return c.status(), nil
	case <-ctx.Done():
		return c.status(), ctx.Err()
	}
}

// Stop ends a running container at once with its stop exit code; grace is
// not waited for. Stopping an exited container does nothing.
func (f *Runtime) Stop(_ context.Context, id api.ContainerID, _ time.Duration) error {
	c, err := f.get(id)
	if err != nil {
		return err
	}
	code := c.outcome.StopExitCode
	if code == 0 {
		code = f.cfg.StopExitCode
	}
	if code == 0 {
		code = DefaultStopExitCode
	}
	if c.exit(f.clock.Now(), code, fmt.Sprintf("Container killed on request. Exit code is %d", code)) {
		f.mu.Lock()
		f.stopped = append(f.stopped, id)
		f.mu.Unlock()
	}
	return nil
}

// Inspect returns the container's status.
func (f *Runtime) Inspect(_ context.Context, id api.ContainerID) (containers.Status, error) {
	c, err := f.get(id)
	if err != nil {
		return containers.Status{}, err
	}
	return c.status(), nil
}

// Remove forgets an exited container.
func (f *Runtime) Remove(_ context.Context, id api.ContainerID) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.ctrs[id]
	switch {
	case c == nil:
		return fmt.Errorf("%w: %s", containers.ErrNotFound, id)
	case c.status().Running:
		return fmt.Errorf("remove %s: %w", id, ErrStillRunning)
	}
	delete(f.ctrs, id)
	return nil
}

// Close marks the runtime closed: Start and Recover fail afterwards.
// Containers keep running (and exiting on schedule).
func (f *Runtime) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *Runtime) get(id api.ContainerID) (*ctr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.ctrs[id]; c != nil {
		return c, nil
	}
	return nil, fmt.Errorf("%w: %s", containers.ErrNotFound, id)
}

func cloneSpec(s containers.Spec) containers.Spec {
	s.Env = cloneMap(s.Env)
	s.Labels = cloneMap(s.Labels)
	return s
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortStatuses(sts []containers.Status) {
	sort.Slice(sts, func(i, j int) bool { return sts[i].ID.String() < sts[j].ID.String() })
}
