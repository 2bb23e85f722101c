package process

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
)

// TestMemoryKill runs a child that allocates and touches 192 MB under a 64 MB
// limit, with the monitor's own ticker.
func TestMemoryKill(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRuntime(t, t.TempDir())
	spec := testSpec(t, "exec "+shellQuote(exe))
	spec.Env = map[string]string{hogEnv: "192"}
	spec.Resource = api.Res(64, 1)
	startT(t, r, spec)
	st := waitT(t, r, spec.ID)
	if st.ExitCode != api.ExitKilledExceededPMem {
		t.Fatalf("exit code %d, want %d; diagnostics %q", st.ExitCode, api.ExitKilledExceededPMem, st.Diagnostics)
	}
	for _, want := range []string{
		fmt.Sprintf("Container [pid=%d,containerID=%s] is running ", st.Pid, spec.ID),
		"B beyond the 'PHYSICAL' memory limit. Current usage: ",
		" of 64 MB physical memory used. Killing container.",
		"Dump of the process-tree for " + spec.ID.String(),
	} {
		if !strings.Contains(st.Diagnostics, want) {
			t.Errorf("diagnostics %q lack %q", st.Diagnostics, want)
		}
	}
	if _, err := os.Stat(stateFile(r, spec.ID, fileOutcome)); err != nil {
		t.Errorf("outcome file: %v", err)
	}
}

// TestMemoryCheckDirect drives checkMemory by hand: a container within its
// limit survives checks, one over it (a shell and sleep use more than 1 MB)
// is killed.
func TestMemoryCheckDirect(t *testing.T) {
	r := newTestRuntime(t, t.TempDir(), func(c *Config) { c.MemoryCheckInterval = time.Hour })
	within := testSpec(t, "sleep 60")
	over := testSpec(t, "sleep 60")
	unlimited := testSpec(t, "sleep 60")
	over.Resource, unlimited.Resource = api.Res(1, 1), api.Res(0, 1)
	startT(t, r, within)
	startT(t, r, over)
	startT(t, r, unlimited)
	for range 3 {
		r.checkMemory()
	}
	st := waitT(t, r, over.ID)
	if st.ExitCode != api.ExitKilledExceededPMem || !strings.Contains(st.Diagnostics, "of 1 MB physical memory used") {
		t.Errorf("over its limit: %+v", st)
	}
	if st, _ := r.Inspect(testCtx(t), within.ID); !st.Running {
		t.Errorf("within its limit: %+v, want running", st)
	}
	if st, _ := r.Inspect(testCtx(t), unlimited.ID); !st.Running {
		t.Errorf("no limit: %+v, want running", st)
	}
}

func TestRSSByGroupFromFakeProc(t *testing.T) {
	root := t.TempDir()
	stat := func(pid, pgid int, rss int64, comm string) {
		d := filepath.Join(root, fmt.Sprint(pid))
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%d (%s) S 1 %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 4096 %d 0\n", pid, comm, pgid, pgid, rss)
		if err := os.WriteFile(filepath.Join(d, "stat"), []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stat(500, 500, 100, "sh")
	stat(501, 500, 250, "my (odd) prog")
	stat(600, 600, 7, "other")
	if err := os.Mkdir(filepath.Join(root, "self"), 0o700); err != nil {
		t.Fatal(err)
	}
	procs, err := scanProcs(root)
	if err != nil {
		t.Fatal(err)
	}
	got := rssByGroup(procs, 4096)
	if got[500] != 350*4096 || got[600] != 7*4096 || len(got) != 2 {
		t.Errorf("rssByGroup: %v", got)
	}
	dump := processTreeDump(root, testID(), 500, procs)
	if !strings.Contains(dump, "|- 501 1 500 500 (my (odd) prog) 4096 250") || strings.Contains(dump, "other") {
		t.Errorf("dump %q", dump)
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1 KB"}, {256 << 20, "256 MB"},
		{300<<20 + 512<<10, "300.5 MB"}, {3 << 30, "3 GB"}, {1288490189, "1.2 GB"},
	} {
		if got := formatBytes(tc.n); got != tc.want {
			t.Errorf("formatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestOverLimitDiagnostics(t *testing.T) {
	id := testID()
	got := overLimitDiagnostics(1234, id, 300<<20, 256<<20)
	want := fmt.Sprintf("Container [pid=1234,containerID=%s] is running 46137344B beyond the 'PHYSICAL' memory limit. "+
		"Current usage: 300 MB of 256 MB physical memory used. Killing container.", id)
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// BenchmarkScanProcs measures one memory-monitor scan of this host's /proc
// (the cost of a tick, whatever the number of containers).
func BenchmarkScanProcs(b *testing.B) {
	var n int
	for b.Loop() {
		procs, err := scanProcs("/proc")
		if err != nil {
			b.Fatal(err)
		}
		n = len(procs)
		_ = rssByGroup(procs, int64(os.Getpagesize()))
	}
	b.ReportMetric(float64(n), "procs")
}
