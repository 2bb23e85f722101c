package nodemanager

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/containers/process"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
)

// TestEchoThroughProcessRuntime starts a real shell container through the
// NM's RPC and reads its stdout back through the NM REST log endpoint.
func TestEchoThroughProcessRuntime(t *testing.T) {
	pc := process.DefaultConfig()
	pc.StateDir = filepath.Join(t.TempDir(), "process")
	rt, err := process.New(pc)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	var staging string
	c := startCluster(t, rt, func(cfg *Config) { staging = cfg.StagingDir })
	if err := os.MkdirAll(staging, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(staging, "greeting.txt"), []byte("from the staging dir"), 0o644); err != nil {
		t.Fatal(err)
	}
	id := mustID(t, "container_e01_1700000000000_0001_01_000001")
	var resp rpc.StartContainersResponse
	err = c.client().Call(context.Background(), rpc.PathContainersStart, rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{
		Token: c.token(id),
		Launch: api.LaunchContext{
			LocalResources: map[string]api.LocalResource{"greeting.txt": {URL: "file://" + filepath.Join(staging, "greeting.txt"), Type: api.ResourceFile}},
			Environment:    map[string]string{"WHO": "goyarn"},
			Commands:       []string{"{", "echo", "hello $WHO from $CONTAINER_ID;", "cat greeting.txt;", "}", "1><LOG_DIR>/stdout", "2><LOG_DIR>/stderr"},
		},
	}}}, &resp)
	if err != nil || len(resp.Started) != 1 {
		t.Fatalf("start %+v %v", resp, err)
	}
	nmtest.Eventually(t, "the container to exit", func() bool {
		ci, err := c.nm.Containers().Container(id)
		return err == nil && ci.Complete
	})
	ci, _ := c.nm.Containers().Container(id)
	if ci.ExitStatus != 0 || ci.State != api.NMContainerExitedSuccess {
		t.Fatalf("container %+v", ci)
	}
	var out string
	if code := c.get("/ws/v1/node/containerlogs/"+id.String()+"/stdout", &out); code != 200 {
		t.Fatalf("log %d %s", code, out)
	}
	want := "hello goyarn from " + id.String() + "\nfrom the staging dir"
	if strings.TrimSpace(out) != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}
	var logs yarn.ContainerLogsResponse
	if code := c.get("/ws/v1/node/containers/"+id.String()+"/logs", &logs); code != 200 || len(logs.ContainerLogsInfo) != 1 {
		t.Fatalf("log list %d %+v", code, logs)
	}
	if code := c.get("/node/containerlogs/"+id.String()+"/alice/stdout?size=-20", &out); code != 200 || out != "from the staging dir" {
		t.Fatalf("tail %d %q", code, out)
	}
	nmtest.Eventually(t, "the exit in a heartbeat", func() bool {
		hb, _ := c.rm.LastHeartbeat()
		return len(hb.Containers) == 1 && hb.Containers[0].State == api.RunComplete && hb.Containers[0].ExitStatus == 0
	})
}
