package docker

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// ctr is one container the runtime holds, started here or recovered.
type ctr struct {
	id        api.ContainerID
	dockerID  string
	logDir    string
	pid       int
	startedAt time.Time
	done      chan struct{} // closed once the container has exited

	mu            sync.Mutex
	exited        bool
	exitCode      int
	diagnostics   string
	finishedAt    time.Time
	stopRequested bool
}

func newCtr(id api.ContainerID, dockerID, logDir string, pid int, startedAt time.Time) *ctr {
	return &ctr{id: id, dockerID: dockerID, logDir: logDir, pid: pid, startedAt: startedAt, done: make(chan struct{})}
}

func (c *ctr) status() containers.Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return containers.Status{
		ID: c.id, Running: !c.exited, ExitCode: c.exitCode, Diagnostics: c.diagnostics,
		Pid: c.pid, StartedAt: c.startedAt, FinishedAt: c.finishedAt,
	}
}

func (c *ctr) isExited() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exited
}

func (c *ctr) markStopRequested() {
	c.mu.Lock()
	c.stopRequested = true
	c.mu.Unlock()
}

// finish records the container's end once; it reports false when the end
// was already recorded.
func (c *ctr) finish(code int, diag string, at time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exited {
		return false
	}
	c.exited, c.exitCode, c.diagnostics, c.finishedAt = true, code, diag, at
	close(c.done)
	return true
}

// exitOf turns the daemon's final state of a container into its exit code
// and YARN-style diagnostics: an OOM kill is api.ExitKilledExceededPMem
// whatever else happened; a stopped container says so; another non-zero
// exit carries the tail of its stderr; the daemon's own error is appended.
func exitOf(c *ctr, st *container.State, hc *container.HostConfig) (int, string) {
	c.mu.Lock()
	stopped := c.stopRequested
	c.mu.Unlock()
	code := st.ExitCode
	var diag []string
	switch {
	case st.OOMKilled:
		diag = append(diag, fmt.Sprintf("Container [pid=%d,containerID=%s] is running beyond the 'PHYSICAL' memory limit: "+
			"it used all of %s of physical memory and the kernel's OOM killer killed it (Docker: OOMKilled, exit code %d). "+
			"Container killed for exceeding its memory limit.", c.pid, c.id, memoryMB(hc), code))
		code = api.ExitKilledExceededPMem
	case st.Status == container.StateCreated:
		diag = append(diag, fmt.Sprintf("Container %s was created but never started "+
			"(the NodeManager restarted while starting it).", c.id))
		code = api.ExitAborted
	case stopped:
		diag = append(diag, fmt.Sprintf("Container killed on request. Exit code is %d", code))
	case code != 0:
		diag = append(diag, fmt.Sprintf("Container exited with a non-zero exit code %d.", code)+containers.StderrTail(c.logDir))
	}
	if st.Error != "" {
		diag = append(diag, "Docker: "+st.Error)
	}
	return code, strings.Join(diag, "\n")
}

// parseTime reads a daemon timestamp; the zero time for none.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}
