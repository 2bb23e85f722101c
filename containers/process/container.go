package process

import (
	"fmt"
	"sync"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// container is one container the runtime tracks, started here or recovered.
type container struct {
	id         api.ContainerID
	dir        string // its state dir
	spec       savedSpec
	pid        int // the launch shell; also the process group id
	startTicks uint64
	child      bool          // started by this runtime: reaped with wait(2)
	done       chan struct{} // closed once the container has exited

	mu            sync.Mutex
	exited        bool
	exitCode      int
	diagnostics   string
	finishedAt    time.Time
	stopRequested bool
	forced        *outcome // an exit the runtime forced, recorded before signalling
}

func newContainer(id api.ContainerID, dir string, spec savedSpec, pid int, startTicks uint64, child bool) *container {
	return &container{id: id, dir: dir, spec: spec, pid: pid, startTicks: startTicks, child: child, done: make(chan struct{})}
}

func (c *container) status() containers.Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return containers.Status{
		ID:          c.id,
		Running:     !c.exited,
		ExitCode:    c.exitCode,
		Diagnostics: c.diagnostics,
		Pid:         c.pid,
		StartedAt:   c.spec.StartedAt,
		FinishedAt:  c.finishedAt,
	}
}

func (c *container) isExited() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exited
}

// exitFacts is what is known when a container's shell has ended.
type exitFacts struct {
	haveWait bool // a child's wait status
	waitCode int
	haveFile bool // the exit-code file
	fileCode int
	forced   *outcome
	stopped  bool // Stop was asked
}

// decideExit turns what is known of an ended container into its exit code and
// diagnostics: a memory kill wins; then a child's wait status; then the
// exit-code file; then a SIGKILL the runtime recorded; else the status is lost.
func decideExit(id api.ContainerID, f exitFacts) (int, string) {
	if f.forced != nil && f.forced.Kind == kindPMem {
		return f.forced.ExitCode, f.forced.Diagnostics
	}
	var code int
	switch {
	case f.haveWait:
		code = f.waitCode
	case f.haveFile:
		code = f.fileCode
	case f.forced != nil:
		code = f.forced.ExitCode
		f.stopped = true
	default:
		return api.ExitAborted, fmt.Sprintf("Container %s ended while no runtime was watching it and left no exit code file: "+
			"its exit status was lost.", id)
	}
	switch {
	case f.stopped:
		return code, fmt.Sprintf("Container killed on request. Exit code is %d", code)
	case code != 0:
		return code, fmt.Sprintf("Container exited with a non-zero exit code %d.", code)
	}
	return code, ""
}

// finish records the container's end once, at finishedAt; it reports false
// when the end was already recorded.
func (c *container) finish(f exitFacts, finishedAt time.Time) (containers.Status, bool) {
	c.mu.Lock()
	if c.exited {
		c.mu.Unlock()
		return containers.Status{}, false
	}
	if c.forced == nil {
		c.forced = readOutcome(c.dir)
	}
	f.forced = c.forced
	f.stopped = f.stopped || c.stopRequested
	code, diag := decideExit(c.id, f)
	if code > 0 && !f.stopped {
		diag += containers.StderrTail(c.spec.LogDir)
	}
	c.exited, c.exitCode, c.diagnostics, c.finishedAt = true, code, diag, finishedAt
	close(c.done)
	c.mu.Unlock()
	return c.status(), true
}
