package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

// Process is a daemon started by the harness.
type Process struct {
	Name    string
	LogPath string
	Ready   map[string]any // the daemon's ready file
	cmd     *exec.Cmd
	done    chan struct{}
	err     error
}

// startProcess runs bin with args, logging to dir/name.log, and waits (up to
// timeout) for it to write its ready file.
func startProcess(t testing.TB, dir, name, bin string, args []string, env []string, timeout time.Duration) *Process {
	t.Helper()
	p := &Process{Name: name, LogPath: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	ready := filepath.Join(dir, name+".ready.json")
	os.Remove(ready)
	logf, err := os.Create(p.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, append(args, "--ready-file", ready)...)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	// The cluster's own (empty) configuration directory: the checkout's
	// conf/goyarn.yaml next to bin/ must not reach a test's daemons.
	if err := os.MkdirAll(filepath.Join(dir, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	p.cmd.Env = append(append(os.Environ(), "GOYARN_CONF_DIR="+filepath.Join(dir, "conf")), env...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	t.Cleanup(func() { p.Kill() })
	deadline := time.Now().Add(timeout)
	for {
		if data, err := os.ReadFile(ready); err == nil && json.Unmarshal(data, &p.Ready) == nil {
			return p
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited before becoming ready (%v):\n%s", name, p.err, testenv.Tail(p.LogPath, 30))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s:\n%s", name, timeout, testenv.Tail(p.LogPath, 30))
		}
	}
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Addr returns a string field of the ready file.
func (p *Process) Addr(key string) string {
	s, _ := p.Ready[key].(string)
	return s
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Kill sends SIGKILL to the process (not its children: containers live in
// their own process groups) and waits for it.
func (p *Process) Kill() {
	if p.Exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGTERM and waits up to grace for a clean exit, then kills.
func (p *Process) Stop(grace time.Duration) error {
	if p.Exited() {
		return p.err
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(grace):
		p.Kill()
		return fmt.Errorf("%s did not stop within %s", p.Name, grace)
	}
}

// Wait blocks until the process exits or timeout passes.
func (p *Process) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return errors.New(p.Name + " still running")
	}
}

// killStrays kills every process whose working directory lies under root:
// containers an NM started and left behind when it was killed. It kills
// whole process groups.
func killStrays(root string) []int {
	entries, _ := os.ReadDir("/proc")
	self := os.Getpid()
	var killed []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || !strings.HasPrefix(cwd, root+string(filepath.Separator)) {
			continue
		}
		if pgid, err := syscall.Getpgid(pid); err == nil && pgid == pid {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		}
		_ = syscall.Kill(pid, syscall.SIGKILL)
		killed = append(killed, pid)
	}
	return killed
}
