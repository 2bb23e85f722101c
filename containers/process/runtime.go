package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// ErrStillRunning is containers.ErrRunning, kept for callers of this package.
var ErrStillRunning = containers.ErrRunning

// Runtime runs each container as a shell in its own process group. It is
// safe for concurrent use.
type Runtime struct {
	cfg      Config
	log      *zap.Logger
	now      func() time.Time
	stateDir string
	procRoot string // "/proc"; tests point it elsewhere

	ctrs *containers.Table[*container]

	closing   chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup // the monitor and the recovered containers' watchers
}

var _ containers.Runtime = (*Runtime)(nil)

// New makes the runtime, creating StateDir, and starts the memory monitor
// when cfg.EnforceMemory is set. Containers already in StateDir stay unknown
// until Recover.
func New(cfg Config) (*Runtime, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(cfg.StateDir)
	if err != nil {
		return nil, fmt.Errorf("process runtime: state dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("process runtime: state dir: %w", err)
	}
	r := &Runtime{
		cfg: cfg, log: cfg.Logger, now: cfg.Clock, stateDir: dir, procRoot: "/proc",
		ctrs: containers.NewTable[*container]("process"), closing: make(chan struct{}),
	}
	if r.log == nil {
		r.log = zap.NewNop()
	}
	r.log = r.log.Named("process")
	if r.now == nil {
		r.now = time.Now
	}
	if cfg.EnforceMemory {
		r.wg.Add(1)
		go r.monitor(cfg.MemoryCheckInterval)
	}
	return r, nil
}

// Name is "process".
func (r *Runtime) Name() string { return "process" }

// Start writes the container's state dir and launch script and starts the
// script with /bin/sh in its own process group, in WorkDir, with exactly
// spec.Env (plus PATH when absent), stdout and stderr appended to
// LogDir/stdout and LogDir/stderr.
func (r *Runtime) Start(ctx context.Context, spec containers.Spec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	if err := r.ctrs.Reserve(spec.ID); err != nil {
		return err
	}

	c, err := r.launch(ctx, spec)
	r.ctrs.Started(spec.ID, c, err == nil, nil)
	if err != nil {
		return err
	}
	r.log.Info("container started", zap.String("container_id", spec.ID.String()), zap.Int("pid", c.pid))
	return nil
}

// Wait blocks until the container has exited or ctx is done.
func (r *Runtime) Wait(ctx context.Context, id api.ContainerID) (containers.Status, error) {
	c, err := r.ctrs.Get(id)
	if err != nil {
		return containers.Status{}, err
	}
	var closing <-chan struct{}
	if !c.child { // a recovered container's watcher ends with Close
		closing = r.closing
	}
	select {
	case <-c.done:
		return c.status(), nil
	case <-ctx.Done():
		return c.status(), ctx.Err()
	case <-closing:
		select {
		case <-c.done:
			return c.status(), nil
		default:
			return c.status(), fmt.Errorf("%w: process runtime closed while waiting for %s", containers.ErrUnavailable, id)
		}
	}
}

// Stop sends SIGTERM to the container's process group and SIGKILL once it has
// ended or grace has passed (or ctx is done), so no process of the group
// outlives Stop.
func (r *Runtime) Stop(ctx context.Context, id api.ContainerID, grace time.Duration) error {
	c, err := r.ctrs.Get(id)
	if err != nil {
		return err
	}
	if c.isExited() {
		return nil
	}
	if !c.child && !processAlive(r.procRoot, c.pid, c.startTicks) {
		return nil // ended on its own; its watcher records how
	}
	c.mu.Lock()
	c.stopRequested = true
	c.mu.Unlock()
	r.log.Info("stopping container", zap.String("container_id", id.String()), zap.Duration("grace", grace))
	if err := signalGroup(c.pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop %s: %w", id, err)
	}
	// The container is done when its whole process group is gone, not when
	// the launch shell is: a command that outlives its shell (it was not the
	// shell's last, exec'ed command) still gets the whole grace period.
	if grace > 0 {
		r.waitGroupGone(ctx, c.pid, grace)
	}
	if !c.isExited() {
		r.force(c, &outcome{Kind: kindKilled, ExitCode: 128 + int(syscall.SIGKILL),
			Diagnostics: "Container killed on request after its grace period."})
	}
	if err := signalGroup(c.pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("stop %s: %w", id, err)
	}
	return nil
}

// force records an exit the runtime is about to cause, in memory and in the
// state dir; a memory kill is never overwritten.
func (r *Runtime) force(c *container, o *outcome) {
	c.mu.Lock()
	if c.forced != nil && c.forced.Kind == kindPMem {
		c.mu.Unlock()
		return
	}
	c.forced = o
	c.mu.Unlock()
	if err := writeJSON(filepath.Join(c.dir, fileOutcome), o); err != nil {
		r.log.Warn("recording container outcome failed", zap.String("container_id", c.id.String()), zap.Error(err))
	}
}

// waitGroupGone waits until process group pgid has no live process left,
// grace passes or ctx ends, whichever comes first.
func (r *Runtime) waitGroupGone(ctx context.Context, pgid int, grace time.Duration) {
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for r.groupAlive(pgid) {
		select {
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// groupAlive reports whether any process of group pgid still runs. Zombies
// do not count: an orphan that exited may wait long to be reaped (PID 1 in
// a container does not always reap).
func (r *Runtime) groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	procs, err := scanProcs(r.procRoot)
	if err != nil {
		return true
	}
	for _, p := range procs {
		if p.pgid == pgid && processAlive(r.procRoot, p.pid, p.startTicks) {
			return true
		}
	}
	return false
}

// signalGroup signals process group pgid; a group that is gone is no error.
func signalGroup(pgid int, sig syscall.Signal) error {
	if pgid <= 1 { // kill(-1) would signal every process
		return fmt.Errorf("refusing to signal process group %d", pgid)
	}
	if err := syscall.Kill(-pgid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// Inspect returns the container's status.
func (r *Runtime) Inspect(_ context.Context, id api.ContainerID) (containers.Status, error) {
	c, err := r.ctrs.Get(id)
	if err != nil {
		return containers.Status{}, err
	}
	return c.status(), nil
}

// Remove forgets an exited container and deletes its state dir.
func (r *Runtime) Remove(_ context.Context, id api.ContainerID) error {
	c, err := r.ctrs.Remove(id, func(c *container) error {
		if !c.isExited() {
			return fmt.Errorf("remove %s: %w", id, ErrStillRunning)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("remove %s: %w", id, err)
	}
	return nil
}

// Close stops the memory monitor and the recovered containers' watchers. It
// never stops a container. Calling it again does nothing.
func (r *Runtime) Close() error {
	r.closeOnce.Do(func() {
		r.ctrs.Close()
		close(r.closing)
		r.wg.Wait()
	})
	return nil
}
