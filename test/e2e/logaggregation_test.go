package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/cluster"
)

// An application's logs outlive its nodes: once the RM reports its log
// aggregation SUCCEEDED, every NM is killed and its log dirs removed, and
// `goyarn logs` still prints every container's logs, read from the
// remote-app-log-dir.
func TestLogsAggregatedOutliveTheirNodes(t *testing.T) {
	c := cluster.Start(t, cluster.Options{NodeManagers: 2, AggregateLogs: true})
	out, _ := run(t, c.Command("goyarn", "shell", "--shell-command", `echo "hello from $CONTAINER_ID"`, "--num-containers", "2"))
	app := appIDPattern(out)
	if app == "" || !strings.Contains(out, "SUCCEEDED") {
		t.Fatalf("goyarn shell output:\n%s", out)
	}
	c.WaitFor("log aggregation SUCCEEDED", 90*time.Second, func() (bool, string) {
		a := c.App(app)
		return a.LogAggregationStatus == "SUCCEEDED", a.LogAggregationStatus
	})
	// What the NMs wrote: one object per node that ran a container.
	objs, _ := filepath.Glob(filepath.Join(strings.TrimPrefix(c.RemoteAppLogDir, "file://"), "*", "logs", app, "*"))
	if len(objs) == 0 {
		t.Fatalf("no aggregated objects under %s", c.RemoteAppLogDir)
	}
	for i, nm := range c.NMs {
		nm.Kill()
		if err := os.RemoveAll(filepath.Join(c.Dir, fmt.Sprintf("nm%d", i), "logs")); err != nil {
			t.Fatal(err)
		}
	}

	out, errOut := run(t, c.Command("goyarn", "logs", "-applicationId", app))
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`Container: (container_\S+) on \S+\nLogAggregationType: (\S+)`).FindAllStringSubmatch(out, -1) {
		if m[2] != "AGGREGATED" {
			t.Errorf("container %s: LogAggregationType %s, want AGGREGATED", m[1], m[2])
		}
		ids[m[1]] = true
	}
	if len(ids) != 3 { // the AM and two shell containers
		t.Fatalf("goyarn logs printed %d containers, want 3\nstdout:\n%s\nstderr:\n%s", len(ids), out, errOut)
	}
	for id := range ids {
		if strings.HasSuffix(id, "_000001") {
			continue // the AM
		}
		if !strings.Contains(out, "hello from "+id) {
			t.Errorf("the logs of %s lack its output\n%s", id, out)
		}
	}

	// One container, one file.
	var shell string
	for id := range ids {
		if !strings.HasSuffix(id, "_000001") {
			shell = id
		}
	}
	out, _ = run(t, c.Command("goyarn", "logs", "-applicationId", app, "-containerId", shell, "-log_files", "stdout"))
	if !strings.Contains(out, "hello from "+shell) || strings.Count(out, "LogAggregationType: AGGREGATED") != 1 {
		t.Errorf("goyarn logs -containerId %s -log_files stdout:\n%s", shell, out)
	}
}
