package netsim

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/goyarn/goyarn/test/testenv"
)

// removeStale deletes the namespaces of prefix's family whose creating
// process (the pid in the name) is dead — what a crashed run left behind —
// after killing whatever still runs in them. Namespaces of live processes,
// including other concurrent test runs, are never touched.
func removeStale(t testing.TB, ipPath, prefix string) {
	t.Helper()
	entries, err := os.ReadDir(netnsDir)
	if err != nil {
		return // no namespaces at all
	}
	for _, e := range entries {
		pid, ok := stalePid(e.Name(), prefix)
		if !ok || pid == os.Getpid() || processExists(pid) {
			continue
		}
		if left := killNetNS(nsPath(e.Name()), testenv.Scaled(killTimeout)); len(left) > 0 {
			t.Errorf("netsim: stale namespace %s: processes %v survive SIGKILL", e.Name(), left)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(commandTimeout))
		out, err := exec.CommandContext(ctx, ipPath, "netns", "delete", e.Name()).CombinedOutput()
		cancel()
		if err != nil {
			if _, serr := os.Stat(nsPath(e.Name())); serr == nil { // not just a concurrent cleaner
				t.Errorf("netsim: deleting stale namespace %s: %v: %s", e.Name(), err, bytes.TrimSpace(out))
			}
			continue
		}
		t.Logf("netsim: deleted namespace %s left by dead process %d", e.Name(), pid)
	}
}

// stalePid reads the pid out of a name <prefix>-<pid>-<n>-….
func stalePid(name, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(name, prefix+"-")
	if !ok {
		return 0, false
	}
	pidStr, rest, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	if n, _, _ := strings.Cut(rest, "-"); n == "" || strings.Trim(n, "0123456789") != "" {
		return 0, false
	}
	pid, err := strconv.Atoi(pidStr)
	return pid, err == nil && pid > 0
}

// processExists reports whether pid names any process, zombies included.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
