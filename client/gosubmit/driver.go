package gosubmit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// driver is the user's binary running as a client-mode driver: a child
// process of gosubmit writing to gosubmit's stdout and stderr.
type driver struct {
	cmd      *exec.Cmd
	dir      string // holds the info file
	infoPath string
	done     chan struct{} // closed once the process was reaped
	code     int           // exit status (128+signal when killed); valid after done
}

// Errors of a driver that did not start.
var (
	errDriverExited  = errors.New("the driver exited before it started listening")
	errDriverTimeout = errors.New("the driver did not start listening in time")
)

// startDriver starts the binary with the application's arguments and the
// protocol's driver environment.
func (r *runner) startDriver(id api.ApplicationID) (*driver, error) {
	dir, err := os.MkdirTemp(r.o.TempDir, "gosubmit-driver-")
	if err != nil {
		return nil, fmt.Errorf("driver info directory: %w", err)
	}
	d := &driver{dir: dir, infoPath: filepath.Join(dir, "driver-info.json"), done: make(chan struct{})}
	cmd := exec.Command(r.sp.binary.path, r.sp.args...)
	cmd.Env = append(r.o.Environ(), r.sp.driverEnv(id, d.infoPath)...)
	cmd.Stdin = os.Stdin
	cmd.Stdout, cmd.Stderr = r.o.Stdout, r.o.Stderr
	cmd.WaitDelay = r.o.DriverStopGrace // a grandchild holding the output open cannot hang Wait
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting the driver %s: %w", r.sp.binary.path, err)
	}
	d.cmd = cmd
	go func() {
		_ = cmd.Wait()
		d.code = exitStatus(cmd.ProcessState)
		close(d.done)
	}()
	return d, nil
}

// exitStatus is a process's exit status as a shell reports it.
func exitStatus(ps *os.ProcessState) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// exited reports whether the driver has exited.
func (d *driver) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// waitInfo waits until the driver has written its DriverInfo, it exits
// (errDriverExited), timeout passes (errDriverTimeout) or ctx ends.
func (d *driver) waitInfo(ctx context.Context, timeout time.Duration) (protocol.DriverInfo, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if data, err := os.ReadFile(d.infoPath); err == nil {
			var info protocol.DriverInfo
			if err := json.Unmarshal(data, &info); err != nil || info.URL == "" {
				return info, fmt.Errorf("the driver wrote a bad info file %s: %q", d.infoPath, data)
			}
			if d.exited() {
				return info, errDriverExited
			}
			return info, nil
		}
		select {
		case <-ctx.Done():
			return protocol.DriverInfo{}, ctx.Err()
		case <-d.done:
			if _, err := os.Stat(d.infoPath); err == nil {
				continue // written just before it exited: read it above
			}
			return protocol.DriverInfo{}, errDriverExited
		case <-deadline.C:
			return protocol.DriverInfo{}, errDriverTimeout
		case <-tick.C:
		}
	}
}

// stop ends the driver: SIGTERM, then SIGKILL after grace. It returns once
// the process was reaped.
func (d *driver) stop(grace time.Duration) {
	if d.exited() {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-d.done:
	case <-t.C:
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

// waitExit waits up to limit for the driver to exit by itself.
func (d *driver) waitExit(limit time.Duration) bool {
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-d.done:
		return true
	case <-t.C:
		return false
	}
}

// remove deletes the info directory.
func (d *driver) remove() { os.RemoveAll(d.dir) }
