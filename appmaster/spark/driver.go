package spark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// stderrTailBytes is how much of the driver's stderr the AM keeps for
// diagnostics.
const stderrTailBytes = 4096

// driverProc is the cluster-mode driver: a child process of the AM, in the
// AM's process group (so the NM's kill of the container reaches it too).
type driverProc struct {
	cmd  *exec.Cmd
	tail *tailBuffer
	done chan struct{} // closed once the process is reaped
	// set before done is closed
	state *os.ProcessState
}

// startDriver starts ./<binary> <args…> in dir with environ; its stdout goes
// to stdout, its stderr to stderr and the tail buffer.
func startDriver(o Options, dir string, environ []string, stdout, stderr io.Writer) (*driverProc, error) {
	path, err := filepath.Abs(filepath.Join(dir, o.Binary))
	if err != nil {
		return nil, err
	}
	d := &driverProc{tail: &tailBuffer{max: stderrTailBytes}, done: make(chan struct{})}
	d.cmd = &exec.Cmd{
		Path:      path,
		Args:      append([]string{"./" + o.Binary}, o.Args...),
		Dir:       dir,
		Env:       environ,
		Stdout:    stdout,
		Stderr:    teeWriter{stderr, d.tail},
		WaitDelay: 2 * time.Second, // a grandchild holding stderr does not hold us
	}
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		_ = d.cmd.Wait() // the outcome is in ProcessState
		d.state = d.cmd.ProcessState
		close(d.done)
	}()
	return d, nil
}

func (d *driverProc) pid() int { return d.cmd.Process.Pid }

func (d *driverProc) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// exitCode is the process's exit code (-1 when killed by a signal); only
// after done.
func (d *driverProc) exitCode() int {
	if d.state == nil {
		return -1
	}
	return d.state.ExitCode()
}

// describeExit says how the process ended ("exited with code 3", "was
// killed by signal killed"); only after done.
func (d *driverProc) describeExit() string {
	if d.state == nil {
		return "ended"
	}
	if ws, ok := d.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "was killed by signal " + ws.Signal().String()
	}
	return fmt.Sprintf("exited with code %d", d.state.ExitCode())
}

// stderrTail is the end of the driver's stderr, for diagnostics.
func (d *driverProc) stderrTail() string { return d.tail.String() }

// stop sends SIGTERM, then SIGKILL after grace, and waits until the process
// is reaped.
func (d *driverProc) stop(grace time.Duration, after func(time.Duration) <-chan time.Time) {
	if d.exited() {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		return
	case <-after(grace):
	}
	_ = d.cmd.Process.Kill()
	<-d.done
}

// errNoInfoYet: the driver has not written its DriverInfo yet.
var errNoInfoYet = errors.New("no driver info yet")

// readDriverInfo reads the DriverInfo file. errNoInfoYet: not (completely)
// there yet; any other error: the driver wrote something unusable.
func readDriverInfo(path string) (protocol.DriverInfo, error) {
	var info protocol.DriverInfo
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return info, errNoInfoYet
	}
	if err != nil {
		return info, fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, errNoInfoYet // written without rename: wait for the rest
	}
	if err := checkHostPort(info.URL); err != nil {
		return info, fmt.Errorf("driver info %s has an unusable url %q: %w", path, info.URL, err)
	}
	return info, nil
}

// awaitInfo waits until the driver wrote its DriverInfo, the process ended
// (errDriverExited), timeout passed (errDriverSilent) or ctx ended.
func (d *driverProc) awaitInfo(ctx context.Context, path string, timeout time.Duration, t Timing) (protocol.DriverInfo, error) {
	deadline := t.Now().Add(timeout)
	for {
		info, err := readDriverInfo(path)
		if !errors.Is(err, errNoInfoYet) {
			return info, err
		}
		if !t.Now().Before(deadline) {
			return info, errDriverSilent
		}
		select {
		case <-d.done:
			if info, err := readDriverInfo(path); err == nil {
				return info, nil // wrote it and died: the poll will tell
			}
			return info, errDriverExited
		case <-ctx.Done():
			return info, ctx.Err()
		case <-t.After(min(infoPollInterval, max(deadline.Sub(t.Now()), time.Millisecond))):
		}
	}
}

// infoPollInterval is how often the AM looks for the DriverInfo file.
const infoPollInterval = 50 * time.Millisecond

var (
	errDriverExited = errors.New("driver exited before it served")
	errDriverSilent = errors.New("driver did not serve in time")
)

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu   sync.Mutex
	max  int
	b    []byte
	lost bool // bytes were dropped from the front
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0:0], t.b[over:]...)
		t.lost = true
	}
	return len(p), nil
}

// String is the kept text, from the first whole line when the front was
// dropped, without surrounding white space.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.b)
	if i := strings.IndexByte(s, '\n'); t.lost && i >= 0 && i < len(s)-1 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// teeWriter writes to both and never fails: the driver must not block or
// die because the AM's stderr went away.
type teeWriter struct{ a, b io.Writer }

func (w teeWriter) Write(p []byte) (int, error) {
	if w.a != nil {
		_, _ = w.a.Write(p)
	}
	_, _ = w.b.Write(p)
	return len(p), nil
}
