package multihost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `goyarn logs` of a finished application whose NodeManager's host is
// gone returns every container's logs: the NodeManagers aggregated them
// to the object store when the application ended.
func TestSeedLogsOutliveTheirHost(t *testing.T) {
	s := Start(t, Options{})
	_, stderr, err := s.Run(3*time.Minute, "goyarn", "shell", "--shell-command", `echo "hello from $CONTAINER_ID on $NM_HOST"`,
		"--num-containers", "5", "--container-memory", "512", "--master-memory", "512")
	if err != nil {
		t.Fatalf("goyarn shell: %v\n%s", err, stderr)
	}
	out, _, _ := s.Run(time.Minute, "goyarn", "application", "-list", "-appStates", "FINISHED")
	app := appID(t, out)
	hosts := s.containerHosts(t, app) // waits for logAggregationStatus SUCCEEDED
	if len(hosts) < 2 {
		t.Fatalf("containers ran on %v only", hosts)
	}
	// The host of the first container that did not run the active RM dies
	// whole: its ZooKeeper server, RM and NodeManager, and its files.
	active := s.ActiveRM()
	dead := -1
	for i, h := range s.Hosts {
		if i != active && strings.Contains(strings.Join(hosts, " "), h.IP) {
			dead = i
			break
		}
	}
	if dead < 0 {
		dead = active
	}
	h := s.Hosts[dead]
	h.KillAll()
	must(t, os.RemoveAll(filepath.Join(h.Root, "nm")))
	t.Logf("%s (%s) is gone; it ran containers of %s", h.Name, h.IP, app)

	logs, lerr, err := s.Run(2*time.Minute, "goyarn", "logs", "-applicationId", app)
	if err != nil {
		t.Fatalf("goyarn logs: %v\n%s\n%s", err, logs, lerr)
	}
	if n := strings.Count(logs, "LogAggregationType: AGGREGATED"); n == 0 || strings.Contains(logs, "LogAggregationType: LOCAL") {
		t.Errorf("want only aggregated logs, got %d AGGREGATED sections:\n%s", n, logs)
	}
	if n := strings.Count(logs, "hello from container_"); n != 5 { // the 5 shell containers
		t.Fatalf("%d containers' output is there, want 5:\n%s", n, logs)
	}
	if !strings.Contains(logs, "container_") || !strings.Contains(logs, "_000001 on ") {
		t.Errorf("the ApplicationMaster's logs are missing:\n%s", logs)
	}
	if !strings.Contains(logs, "on "+h.IP) {
		t.Errorf("the dead host's containers' logs are missing:\n%s", logs)
	}
}
