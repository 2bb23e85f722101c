package nodemanager

import (
	"strings"
	"testing"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	r := DefaultConfig().Resolved()
	if r.StateDir != "/tmp/goyarn/nm-local-dir/nmstate" || len(r.LocalizeRoots) != 1 || r.LocalizeRoots[0] != "/tmp/goyarn/staging" {
		t.Fatalf("resolved %+v", r)
	}
	if strings.HasPrefix(r.ClusterSecretFile, "~") {
		t.Fatalf("secret file not expanded: %s", r.ClusterSecretFile)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := DefaultConfig()
	c.RMAddresses = []string{"nohost", ":8030"}
	c.Hostname = ""
	c.RPCAddress = "127.0.0.1:99999"
	c.WebAddress = "x"
	c.MemoryMB = 0
	c.VCores = -1
	c.LocalDirs = nil
	c.LogDirs = []string{"relative"}
	c.LocalizeRoots = []string{"rel"}
	c.ContainerRuntime = "lxc"
	c.StopGrace = -1
	c.LogRetain = -1
	c.MinFreeDiskMB = -1
	c.LogLevel = "loud"
	c.LogFormat = "xml"
	err := c.Validate()
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{"rm-addresses: \"nohost\"", "rm-addresses: \":8030\"", "hostname", "rpc-address", "web-address",
		"memory-mb", "vcores", "local-dirs", "log-dirs", "localize-roots", "container-runtime", "stop-grace", "log-retain",
		"min-free-disk-mb", "log-level", "log-format", "state-dir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing problem %q in:\n%v", want, err)
		}
	}
}
