package netsim

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// procStat is what netsim reads of a process from /proc/<pid>/stat.
type procStat struct {
	state byte // R, S, D, Z, ...
	pgid  int
}

func readStat(pid int) (procStat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(s[i+1:]) // state ppid pgrp ...
	if len(f) < 3 || len(f[0]) != 1 {
		return procStat{}, false
	}
	pgid, _ := strconv.Atoi(f[2])
	return procStat{state: f[0][0], pgid: pgid}, true
}

// Alive reports whether pid names a process that has not exited (a zombie
// counts as exited: it runs nothing and holds no namespace).
func Alive(pid int) bool {
	st, ok := readStat(pid)
	return ok && st.state != 'Z' && st.state != 'X'
}

// allPids lists the numeric entries of /proc.
func allPids() []int {
	entries, _ := os.ReadDir("/proc")
	out := make([]int, 0, len(entries))
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// groupMembers lists the live processes whose process group is pgid.
func groupMembers(pgid int) []int {
	var out []int
	for _, pid := range allPids() {
		if st, ok := readStat(pid); ok && st.pgid == pgid && st.state != 'Z' && st.state != 'X' {
			out = append(out, pid)
		}
	}
	return out
}

// nsID identifies a namespace by the device and inode of its nsfs file.
type nsID struct{ dev, ino uint64 }

func statNS(path string) (nsID, bool) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return nsID{}, false
	}
	return nsID{dev: uint64(st.Dev), ino: st.Ino}, true
}

// netnsPids lists the live processes whose network namespace is the one
// bind-mounted at nsPath (/run/netns/<name>). Zombies have no namespaces
// and are not listed.
func netnsPids(nsPath string) []int {
	want, ok := statNS(nsPath)
	if !ok {
		return nil
	}
	self := os.Getpid()
	var out []int
	for _, pid := range allPids() {
		if pid == self {
			continue
		}
		if id, ok := statNS(filepath.Join("/proc", strconv.Itoa(pid), "ns", "net")); ok && id == want {
			out = append(out, pid)
		}
	}
	return out
}

// killNetNS sends SIGKILL to every process in the namespace at nsPath and
// waits until none is left and every one it signalled has exited (a process
// leaves its namespaces early in exiting, so an empty namespace alone is not
// enough). It gives up after timeout and returns the survivors.
func killNetNS(nsPath string, timeout time.Duration) []int {
	dying := map[int]int{} // pid -> its pidfd, or -1 without pidfd support
	defer func() {
		for _, fd := range dying {
			if fd >= 0 {
				syscall.Close(fd)
			}
		}
	}()
	exited := func(pid, fd int) bool {
		if fd < 0 {
			return !Alive(pid)
		}
		return pidfdExited(fd)
	}
	var left []int
	pollUntil(timeout, func() bool {
		left = left[:0]
		for _, pid := range netnsPids(nsPath) {
			left = append(left, pid)
			if fd, seen := dying[pid]; seen {
				if !exited(pid, fd) {
					continue // signalled, still dying
				}
				if fd >= 0 { // that one is gone: this is a new process with its pid
					syscall.Close(fd)
				}
				delete(dying, pid)
			}
			if fd, ok := killIfInNS(pid, nsPath); ok {
				dying[pid] = fd
			}
		}
		for pid, fd := range dying {
			if exited(pid, fd) {
				if fd >= 0 {
					syscall.Close(fd)
				}
				delete(dying, pid)
			} else if !slices.Contains(left, pid) {
				left = append(left, pid)
			}
		}
		return len(left) == 0
	})
	return left
}

// Linux's pidfd system calls (the same number on every architecture Go
// supports on Linux).
const (
	sysPidfdSendSignal = 424
	sysPidfdOpen       = 434
)

// killIfInNS sends SIGKILL to pid only if it is still a process of the
// namespace at nsPath: the pidfd pins the process, so a pid reused between
// the scan and the signal is never hit. It returns the pidfd (the caller
// closes it), or -1 on a kernel without pidfds; ok is false if nothing was
// signalled.
func killIfInNS(pid int, nsPath string) (pidfd int, ok bool) {
	r, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), 0, 0)
	if errno == syscall.ENOSYS {
		// An old kernel: accept the tiny pid-reuse race.
		return -1, syscall.Kill(pid, syscall.SIGKILL) == nil
	}
	if errno != 0 {
		return -1, false // gone already
	}
	fd := int(r)
	want, ok1 := statNS(nsPath)
	got, ok2 := statNS(filepath.Join("/proc", strconv.Itoa(pid), "ns", "net"))
	if !ok1 || !ok2 || want != got {
		syscall.Close(fd)
		return -1, false
	}
	if _, _, errno := syscall.Syscall6(sysPidfdSendSignal, uintptr(fd), uintptr(syscall.SIGKILL), 0, 0, 0, 0); errno != 0 {
		syscall.Close(fd)
		return -1, false
	}
	return fd, true
}

// pidfdExited reports whether the process behind pidfd has exited: a pidfd
// polls readable once its process is a zombie or gone.
func pidfdExited(fd int) bool {
	pfd := struct {
		fd              int32
		events, revents int16
	}{fd: int32(fd), events: 0x1} // POLLIN
	var ts syscall.Timespec // zero: do not block
	n, _, errno := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	return errno == 0 && n == 1 && pfd.revents != 0
}
