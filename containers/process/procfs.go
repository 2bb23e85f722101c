package process

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procStat is what the runtime reads from /proc/<pid>/stat.
type procStat struct {
	pid        int
	comm       string
	state      byte
	ppid       int
	pgid       int
	sid        int
	startTicks uint64 // start time in clock ticks after boot: detects pid reuse
	vsize      uint64 // bytes
	rssPages   int64
}

// errBadStat: a stat line that does not parse.
var errBadStat = errors.New("malformed /proc stat line")

// parseStat parses one /proc/<pid>/stat line. The command name sits in
// parentheses and may itself hold spaces and parentheses, so the fields are
// counted from the last ')'.
func parseStat(data []byte) (procStat, error) {
	open := bytes.IndexByte(data, '(')
	closing := bytes.LastIndexByte(data, ')')
	if open < 1 || closing < open {
		return procStat{}, errBadStat
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data[:open])))
	if err != nil {
		return procStat{}, errBadStat
	}
	// Fields after the name, numbered as in proc(5): 3 state, 4 ppid,
	// 5 pgrp, 6 session, ..., 22 starttime, 23 vsize, 24 rss.
	f := strings.Fields(string(data[closing+1:]))
	if len(f) < 22 || len(f[0]) != 1 {
		return procStat{}, errBadStat
	}
	at := func(field int) string { return f[field-3] }
	var (
		st   = procStat{pid: pid, comm: string(data[open+1 : closing]), state: f[0][0]}
		errs []error
	)
	num := func(field int) int {
		n, err := strconv.Atoi(at(field))
		errs = append(errs, err)
		return n
	}
	unum := func(field int) uint64 {
		n, err := strconv.ParseUint(at(field), 10, 64)
		errs = append(errs, err)
		return n
	}
	st.ppid, st.pgid, st.sid = num(4), num(5), num(6)
	st.startTicks, st.vsize = unum(22), unum(23)
	rss, err := strconv.ParseInt(at(24), 10, 64)
	errs = append(errs, err)
	st.rssPages = rss
	if errors.Join(errs...) != nil {
		return procStat{}, errBadStat
	}
	return st, nil
}

// readProcStat reads and parses <root>/<pid>/stat.
func readProcStat(root string, pid int) (procStat, error) {
	data, err := os.ReadFile(filepath.Join(root, strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, err
	}
	st, err := parseStat(data)
	if err != nil {
		return procStat{}, fmt.Errorf("pid %d: %w", pid, err)
	}
	return st, nil
}

// scanProcs reads the stat of every process under root. Processes that vanish
// mid-scan are skipped.
func scanProcs(root string) ([]procStat, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	out := make([]procStat, 0, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		st, err := readProcStat(root, pid)
		if err != nil {
			continue
		}
		out = append(out, st)
	}
	return out, nil
}

// processAlive reports whether pid runs and is the process that started at
// startTicks (0: unknown, any start time matches). Zombies count as dead:
// they have exited and only wait to be reaped.
func processAlive(root string, pid int, startTicks uint64) bool {
	if pid <= 0 {
		return false
	}
	st, err := readProcStat(root, pid)
	if err != nil {
		return false
	}
	if startTicks != 0 && st.startTicks != startTicks {
		return false
	}
	return st.state != 'Z' && st.state != 'X' && st.state != 'x'
}

// readCmdline returns a process's command line with spaces between the
// arguments, or "" when it cannot be read.
func readCmdline(root string, pid int) string {
	data, err := os.ReadFile(filepath.Join(root, strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(bytes.ReplaceAll(data, []byte{0}, []byte{' '})))
}
