package cluster

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Proc is what the harness reads of a live process from /proc.
type Proc struct {
	PID, PPID, PGID int
	Exe, Cwd        string
	Env             map[string]string
	Cgroup          string // /proc/<pid>/cgroup: names the Docker container of a process inside one
}

// ReadProc reads pid's /proc entries; ok is false once the process is gone.
func ReadProc(pid int) (Proc, bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return Proc{}, false
	}
	// Fields after the command name, which sits in parentheses.
	rest := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(rest) < 4 {
		return Proc{}, false
	}
	p := Proc{PID: pid, Env: map[string]string{}}
	p.PPID, _ = strconv.Atoi(rest[1])
	p.PGID, _ = strconv.Atoi(rest[2])
	p.Exe, _ = os.Readlink(filepath.Join(dir, "exe"))
	p.Cwd, _ = os.Readlink(filepath.Join(dir, "cwd"))
	if cg, err := os.ReadFile(filepath.Join(dir, "cgroup")); err == nil {
		p.Cgroup = string(cg)
	}
	if env, err := os.ReadFile(filepath.Join(dir, "environ")); err == nil {
		for _, kv := range strings.Split(string(env), "\x00") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				p.Env[k] = v
			}
		}
	}
	return p, true
}

// Procs lists the live processes keep accepts.
func Procs(keep func(Proc) bool) []Proc {
	entries, _ := os.ReadDir("/proc")
	var out []Proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := ReadProc(pid); ok && keep(p) {
			out = append(out, p)
		}
	}
	return out
}
