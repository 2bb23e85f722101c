package netsim

import (
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// KillAll leaves nothing running on the host — not even a process that left
// its process group — and nothing on other hosts is touched; the host can
// start programs again afterwards.
func TestKillAllLeavesNoProcess(t *testing.T) {
	t.Parallel()
	n := New(t, Options{})
	a, b := n.AddHost("a"), n.AddHost("b")
	procs := []*Proc{
		startHelper(t, a, "sleep1", "sleep", readyPath(a, "sleep1")),
		startHelper(t, a, "sleep2", "sleep", readyPath(a, "sleep2")),
		startHelper(t, a, "orphan", "orphan", readyPath(a, "orphan")),
	}
	other := startHelper(t, b, "sleep", "sleep", readyPath(b, "sleep"))
	readPidFile(t, readyPath(a, "sleep1"))
	readPidFile(t, readyPath(a, "sleep2"))
	readPidFile(t, readyPath(b, "sleep"))
	orphan := readPidFile(t, readyPath(a, "orphan"))
	t.Cleanup(func() { // by pid, should KillAll ever miss it
		if fd, ok := killIfInNS(orphan, nsPath(a.NetNS)); ok && fd >= 0 {
			syscall.Close(fd)
		}
	})

	pids := []int{orphan}
	for _, p := range procs {
		pids = append(pids, p.Pid())
	}
	onA := a.Pids()
	for _, pid := range pids {
		if !slices.Contains(onA, pid) {
			t.Fatalf("pid %d not among host a's processes %v", pid, onA)
		}
	}
	if slices.Contains(onA, other.Pid()) {
		t.Fatalf("b's process %d counted on a", other.Pid())
	}

	a.KillAll()
	for _, p := range procs {
		if !p.Exited() {
			t.Errorf("%s (pid %d) not reaped after KillAll", p.Name, p.Pid())
		}
	}
	for _, pid := range pids {
		if Alive(pid) {
			t.Errorf("pid %d alive after KillAll", pid)
		}
	}
	if left := a.Pids(); len(left) > 0 {
		t.Errorf("host a still runs %v", left)
	}
	if other.Exited() || !slices.Contains(b.Pids(), other.Pid()) {
		t.Errorf("b's process died with host a: %v", other.Err())
	}

	// The host comes back: its root survived, programs start again.
	again := startHelper(t, a, "sleep1", "sleep", readyPath(a, "again"))
	readPidFile(t, readyPath(a, "again"))
	if again.Exited() {
		t.Errorf("restart on a exited: %v", again.Err())
	}
}

// Stop sends SIGTERM, and SIGKILL once the grace is over for a program that
// ignores SIGTERM.
func TestStopEscalatesToSIGKILL(t *testing.T) {
	t.Parallel()
	n := New(t, Options{StopGrace: 200 * time.Millisecond})
	a := n.AddHost("a")
	polite := startHelper(t, a, "polite", "sleep", readyPath(a, "polite"))
	stubborn := startHelper(t, a, "stubborn", "noterm", readyPath(a, "stubborn"))
	readPidFile(t, readyPath(a, "polite"))
	readPidFile(t, readyPath(a, "stubborn"))

	polite.Stop()
	if err := polite.Err(); err != nil {
		t.Errorf("polite exit after SIGTERM: %v, want status 0", err)
	}
	stubborn.Stop()
	var ee *exec.ExitError
	if err := stubborn.Err(); !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("stubborn exit: %v, want killed by SIGKILL", err)
	}
	if Alive(polite.Pid()) || Alive(stubborn.Pid()) {
		t.Errorf("stopped processes alive")
	}
	polite.Stop() // again: a no-op
}

// Kill takes the whole process group, children included.
func TestKillTakesProcessGroup(t *testing.T) {
	t.Parallel()
	n := New(t, Options{})
	a := n.AddHost("a")
	ready := filepath.Join(a.Root, "child.pid")
	// sh waits for a background child that stays in sh's process group.
	p := a.Start(t, "shell", "sh", "-c", `sleep 600 & echo $! > "$1.tmp" && mv "$1.tmp" "$1"; wait`, "sh", ready)
	child := readPidFile(t, ready)
	if !Alive(child) {
		t.Fatalf("child %d not running", child)
	}
	p.Kill()
	if !p.Exited() || Alive(child) {
		t.Errorf("after Kill: shell exited %v, child %d alive %v", p.Exited(), child, Alive(child))
	}
}
