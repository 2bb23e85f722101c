package process

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Files in a container's state dir (<StateDir>/<container id>/).
const (
	fileSpec     = "spec.json"    // what Recover needs to rebuild the container
	fileLaunch   = "launch.sh"    // the launch script the shell runs
	filePid      = "pid"          // "<pid> <start ticks>", written after the fork
	fileExitCode = "exitcode"     // the command's exit code, written by launch.sh
	fileOutcome  = "outcome.json" // an exit the runtime forced (memory kill, SIGKILL)
)

// savedSpec is the part of a Spec kept on disk for Recover.
type savedSpec struct {
	ID        string            `json:"id"`
	User      string            `json:"user,omitempty"`
	Command   string            `json:"command"`
	WorkDir   string            `json:"workDir"`
	LogDir    string            `json:"logDir"`
	Resource  api.Resource      `json:"resource"`
	Labels    map[string]string `json:"labels,omitempty"`
	StartedAt time.Time         `json:"startedAt"`
}

func saveSpec(s containers.Spec, startedAt time.Time) savedSpec {
	return savedSpec{
		ID: s.ID.String(), User: s.User, Command: s.Command, WorkDir: s.WorkDir,
		LogDir: s.LogDir, Resource: s.Resource, Labels: s.Labels, StartedAt: startedAt,
	}
}

// Outcome kinds.
const (
	kindPMem   = "pmem"   // killed over its physical memory limit: wins over anything else
	kindKilled = "killed" // SIGKILLed by Stop: used only when no exit code was recorded
)

// outcome is an exit the runtime forced and recorded before signalling, so a
// restarted runtime still knows why the container ended.
type outcome struct {
	Kind        string `json:"kind"`
	ExitCode    int    `json:"exitCode"`
	Diagnostics string `json:"diagnostics"`
}

// writeFileAtomic writes data to a temp file in path's dir and renames it over
// path, so readers see the old content or the new, never a part.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), perm)); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'), 0o600)
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// launchScript is the script the container's shell runs, in the manner of
// YARN's launch_container.sh plus default_container_executor.sh: run the
// command with /bin/sh -c, then record its exit code (temp file + rename)
// and exit with it.
//
// Stop signals the whole process group, this shell included. Its TERM trap (a
// handler, so the command does not inherit an ignored TERM) keeps it alive to
// record the exit code of a stopped command; SIGKILL ends it at once. A TERM
// that reaches the command's shell between fork and exec would hit that
// handler and be lost, so the command's shell first writes a byte to fd 3
// (the runtime's readiness pipe, then closed): Start returns only after it,
// when TERM has its default effect.
func launchScript(id, stateDir, command string) string {
	tmp := shellQuote(filepath.Join(stateDir, fileExitCode+".tmp"))
	final := shellQuote(filepath.Join(stateDir, fileExitCode))
	return "#!/bin/sh\n" +
		"# goyarn launch script for " + id + ", written by the process runtime.\n" +
		"trap : TERM\n" +
		"/bin/sh -c " + shellQuote("printf x >&3; exec 3>&-\n"+command) + "\n" +
		"rc=$?\n" +
		"printf '%d\\n' \"$rc\" > " + tmp + " && command -p mv -f " + tmp + " " + final + "\n" +
		"exit \"$rc\"\n"
}

func writePidFile(dir string, pid int, startTicks uint64) error {
	return writeFileAtomic(filepath.Join(dir, filePid), fmt.Appendf(nil, "%d %d\n", pid, startTicks), 0o600)
}

func readPidFile(dir string) (pid int, startTicks uint64, err error) {
	data, err := os.ReadFile(filepath.Join(dir, filePid))
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(string(data))
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("pid file %q: want \"<pid> <start ticks>\"", data)
	}
	pid, err1 := strconv.Atoi(f[0])
	startTicks, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return 0, 0, fmt.Errorf("pid file %q: want \"<pid> <start ticks>\"", data)
	}
	return pid, startTicks, nil
}

// readExitCode reads the exit-code file the launch script leaves; ok is false
// when there is none. at is when it was written.
func readExitCode(dir string) (code int, at time.Time, ok bool) {
	path := filepath.Join(dir, fileExitCode)
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, time.Time{}, false
	}
	code, err = strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0, time.Time{}, false
	}
	if fi, err := os.Stat(path); err == nil {
		at = fi.ModTime()
	}
	return code, at, true
}

// readOutcome reads the outcome file, nil when there is none.
func readOutcome(dir string) *outcome {
	var o outcome
	if err := readJSON(filepath.Join(dir, fileOutcome), &o); err != nil {
		return nil
	}
	return &o
}
