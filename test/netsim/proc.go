package netsim

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

// Proc is a program Host.Start runs in the background.
type Proc struct {
	Name    string // the log name given to Start
	LogPath string // Host.Root/logs/<Name>.log: its stdout and stderr
	Host    *Host

	t     testing.TB
	cmd   *exec.Cmd
	grace time.Duration
	done  chan struct{}
	err   error // valid once done is closed
	stop  sync.Mutex
}

var validLogName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Start runs name with args on the host in the background, stdout and stderr
// appended to Host.Root/logs/<logName>.log, and stops it when t ends (Stop),
// printing the log's tail if t failed.
func (h *Host) Start(t testing.TB, logName, name string, args ...string) *Proc {
	t.Helper()
	return h.StartCommand(t, logName, h.Command(context.Background(), name, args...))
}

// StartCommand is Start for a command made with h.Command and then adjusted
// (Env, Dir, Stdin); its Stdout and Stderr are replaced by the log file.
func (h *Host) StartCommand(t testing.TB, logName string, cmd *exec.Cmd) *Proc {
	t.Helper()
	if !validLogName.MatchString(logName) || strings.HasPrefix(logName, ".") {
		t.Fatalf("netsim: log name %q: want [A-Za-z0-9._-]+", logName)
	}
	p := &Proc{
		Name:    logName,
		LogPath: filepath.Join(h.Root, "logs", logName+".log"),
		Host:    h,
		t:       t,
		grace:   h.net.grace,
		done:    make(chan struct{}),
	}
	if err := os.MkdirAll(filepath.Dir(p.LogPath), 0o755); err != nil {
		t.Fatal(err)
	}
	logf, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = cmd
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("netsim: starting %s on %s: %v", logName, h.Name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	h.mu.Lock()
	h.procs = append(h.procs, p)
	h.mu.Unlock()
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("netsim: tail of %s on host %s (%s):\n%s", logName, h.Name, p.LogPath, testenv.Tail(p.LogPath, 30))
		}
	})
	return p
}

// Pid is the program's pid; it leads its own process group.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Done is closed once the program has exited and been reaped.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exited reports whether the program has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Err is the program's exit error (nil for status 0) once it exited, and
// nil before.
func (p *Proc) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Wait waits for the program to exit and returns its exit error, or
// ctx.Err() if ctx ends first.
func (p *Proc) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Signal sends sig to the program alone.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Stop sends SIGTERM to the program, waits up to the Network's StopGrace
// for it to exit, then Kills its process group. It is safe to call more
// than once.
func (p *Proc) Stop() {
	p.stop.Lock()
	defer p.stop.Unlock()
	if !p.Exited() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		timer := time.NewTimer(p.grace)
		select {
		case <-p.done:
		case <-timer.C:
		}
		timer.Stop()
	}
	p.kill()
}

// Kill sends SIGKILL to the program's whole process group and returns once
// the program is reaped and no member of the group is left.
func (p *Proc) Kill() {
	p.stop.Lock()
	defer p.stop.Unlock()
	p.kill()
}

func (p *Proc) kill() {
	p.signalGroup(syscall.SIGKILL)
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Errorf("netsim: killing %s (pid %d): %v", p.Name, p.Pid(), err)
	}
	timer := time.NewTimer(testenv.Scaled(killTimeout))
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		p.t.Errorf("netsim: %s (pid %d) not reaped after SIGKILL", p.Name, p.Pid())
		return
	}
	// The leader is gone; members that stayed in its group still hold the
	// group id, so it cannot name anybody else's group.
	if !pollUntil(testenv.Scaled(killTimeout), func() bool {
		left := groupMembers(p.Pid())
		if len(left) > 0 {
			p.signalGroup(syscall.SIGKILL)
		}
		return len(left) == 0
	}) {
		p.t.Errorf("netsim: process group of %s (pid %d) survives SIGKILL: %v", p.Name, p.Pid(), groupMembers(p.Pid()))
	}
}

func (p *Proc) signalGroup(sig syscall.Signal) {
	syscall.Kill(-p.Pid(), sig)
}
