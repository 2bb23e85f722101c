package netsim

import (
	"context"
	"encoding/json"
	"errors"
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

// A child run of this test binary builds a network in TestHelperScenario,
// then fails or crashes midway; these variables steer it.
const (
	scenarioEnv = "GOYARN_NETSIM_SCENARIO" // "fail" or "crash"
	statusEnv   = "GOYARN_NETSIM_STATUS"   // where the child writes scenarioStatus
	prefixEnv   = "GOYARN_NETSIM_PREFIX"   // the child's namespace prefix
)

// scenarioStatus is what the child built, for the parent to check.
type scenarioStatus struct {
	Namespaces []string
	NSInodes   []uint64 // of the hosts' network namespaces
	Pids       []int    // Start's programs and the orphan
	Orphan     int      // in its own session: only the namespace sweep reaches it
	Base       string   // the child's Network.Dir parent, a t.TempDir
}

func TestHelperScenario(t *testing.T) {
	scenario := os.Getenv(scenarioEnv)
	if scenario == "" {
		t.Skip("helper: run by TestCleanupAfterFailure and TestStaleNamespacesRemoved")
	}
	n := New(t, Options{Prefix: os.Getenv(prefixEnv)})
	st := scenarioStatus{Namespaces: []string{n.SwitchNS()}, Base: filepath.Dir(n.Dir)}
	for _, name := range []string{"a", "b"} {
		h := n.AddHost(name)
		p := startHelper(t, h, "sleep", "sleep", readyPath(h, "sleep"))
		readPidFile(t, readyPath(h, "sleep"))
		id, _ := statNS(nsPath(h.NetNS))
		st.Namespaces = append(st.Namespaces, h.NetNS)
		st.NSInodes = append(st.NSInodes, id.ino)
		st.Pids = append(st.Pids, p.Pid())
	}
	a := n.Hosts()[0]
	startHelper(t, a, "orphan", "orphan", readyPath(a, "orphan"))
	st.Orphan = readPidFile(t, readyPath(a, "orphan"))
	st.Pids = append(st.Pids, st.Orphan)
	b, _ := json.Marshal(st)
	if err := os.WriteFile(os.Getenv(statusEnv), b, 0o644); err != nil {
		t.Fatal(err)
	}
	switch scenario {
	case "fail":
		t.Fatal("deliberate failure midway")
	case "crash":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // not reached
	}
}

// runScenario runs TestHelperScenario in a child process and returns what it
// built. The parent's cleanup kills, by pid, whatever of it survives.
func runScenario(t *testing.T, scenario, prefix string) (scenarioStatus, []byte, error) {
	t.Helper()
	status := filepath.Join(t.TempDir(), "status.json")
	ctx, cancel := context.WithTimeout(t.Context(), testenv.Scaled(3*time.Minute))
	defer cancel()
	cmd := exec.CommandContext(ctx, selfExe(t), "-test.run=^TestHelperScenario$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), scenarioEnv+"="+scenario, statusEnv+"="+status, prefixEnv+"="+prefix, RequireEnv+"=1")
	out, runErr := cmd.CombinedOutput()
	var st scenarioStatus
	b, err := os.ReadFile(status)
	if err != nil {
		t.Fatalf("child wrote no status (%v): %v\n%s", runErr, err, out)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sweepScenario(t, st, prefix) })
	return st, out, runErr
}

// sweepScenario is the parent's safety net: it kills the child's processes
// that are still in the child's namespaces, deletes its namespaces and its
// temp dir, and fails t if it had anything to do.
func sweepScenario(t *testing.T, st scenarioStatus, prefix string) {
	for _, pid := range st.Pids {
		id, ok := statNS(filepath.Join("/proc", strconv.Itoa(pid), "ns", "net"))
		if !ok || !Alive(pid) {
			continue
		}
		for _, ino := range st.NSInodes {
			if id.ino == ino {
				t.Errorf("child's pid %d still running: killing it", pid)
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	for _, ns := range st.Namespaces {
		if _, err := os.Stat(nsPath(ns)); err == nil {
			t.Errorf("child's namespace %s left: deleting it", ns)
			killNetNS(nsPath(ns), testenv.Scaled(killTimeout))
			exec.Command("ip", "netns", "delete", ns).Run()
		}
	}
	if strings.HasPrefix(st.Base, os.TempDir()+"/") && strings.Contains(st.Base, "TestHelperScenario") {
		os.RemoveAll(filepath.Dir(st.Base)) // the crashed child's t.TempDir
	}
}

// testPrefix is a namespace family only this test process uses, so that
// concurrent runs cannot touch the child's leftovers.
func testPrefix(tag string) string {
	return tag + strconv.FormatInt(int64(os.Getpid()), 36)
}

// A test that fails midway still stops every process and deletes every
// namespace it created.
func TestCleanupAfterFailure(t *testing.T) {
	t.Parallel()
	requireNetNS(t)
	prefix := testPrefix("gyf")
	st, out, err := runScenario(t, "fail", prefix)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "deliberate failure midway") {
		t.Fatalf("child: %v, want a failed test:\n%s", err, out)
	}
	for _, ns := range st.Namespaces {
		if _, err := os.Stat(nsPath(ns)); err == nil {
			t.Errorf("namespace %s survives the failed test", ns)
		}
	}
	for _, pid := range st.Pids {
		if Alive(pid) {
			t.Errorf("pid %d survives the failed test", pid)
		}
	}
	if _, err := os.Stat(st.Base); err == nil {
		t.Errorf("the failed test's directory %s survives", st.Base)
	}
}

// A test process that dies without cleanup takes its direct children with
// it (Pdeathsig); the next New of the same prefix kills what is left in the
// dead run's namespaces and deletes them.
func TestStaleNamespacesRemoved(t *testing.T) {
	t.Parallel()
	requireNetNS(t)
	prefix := testPrefix("gyc")
	st, out, err := runScenario(t, "crash", prefix)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child: %v, want killed by SIGKILL:\n%s", err, out)
	}
	for _, ns := range st.Namespaces {
		if _, err := os.Stat(nsPath(ns)); err != nil {
			t.Fatalf("crashed child's namespace %s is already gone: %v", ns, err)
		}
	}
	waitFor(t, "the crashed child's direct children to die", 30*time.Second, func() bool {
		for _, pid := range st.Pids {
			if pid != st.Orphan && Alive(pid) {
				return false
			}
		}
		return true
	})
	if !Alive(st.Orphan) {
		t.Fatalf("orphan %d died with the child: the sweep is not tested", st.Orphan)
	}

	New(t, Options{Prefix: prefix})
	for _, ns := range st.Namespaces {
		if _, err := os.Stat(nsPath(ns)); err == nil {
			t.Errorf("stale namespace %s survives New", ns)
		}
	}
	if Alive(st.Orphan) {
		t.Errorf("orphan %d in a stale namespace survives New", st.Orphan)
	}
}
