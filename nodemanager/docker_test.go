package nodemanager

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/docker"
	"github.com/goyarn/goyarn/containers/docker/dockertest"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/containers/process"
	"github.com/goyarn/goyarn/containers/routing"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
)

var (
	dockerOnce sync.Once
	dockerEnv  dockertest.Env
)

// dockerTest returns the daemon (a client of the test's own, closed at its
// cleanup) and the test image, made once; it skips t in one line when no
// daemon answers.
func dockerTest(t *testing.T) dockertest.Env {
	t.Helper()
	dockerOnce.Do(func() {
		dockerEnv = dockertest.Prepare(context.Background())
		dockerEnv.Close()
	})
	dockerEnv.Skip(t)
	cli, err := docker.NewClient("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	env := dockerEnv
	env.Client = cli
	return env
}

// dockerRouting is what cmd/nodemanager builds with --container-runtime
// docker: docker by default, the process runtime for "default"; node and
// cluster labels fixed so a second instance finds the first one's containers.
func dockerRouting(t *testing.T, env dockertest.Env, stateDir, node, clusterID string) containers.Runtime {
	t.Helper()
	pc := process.DefaultConfig()
	pc.StateDir = filepath.Join(stateDir, "process")
	proc, err := process.New(pc)
	if err != nil {
		t.Fatal(err)
	}
	dc := docker.DefaultConfig()
	dc.Node, dc.ClusterID, dc.DefaultImage = node, clusterID, env.Image
	dk, err := docker.New(env.Client, dc)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := routing.New(routing.Config{Runtimes: map[string]containers.Runtime{routing.TypeDocker: dk, routing.TypeDefault: proc}, Default: routing.TypeDocker})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}

// clusterContainers lists the daemon's containers labelled with cluster.
func clusterContainers(t *testing.T, env dockertest.Env, clusterID string) []container.Summary {
	t.Helper()
	list, err := env.Client.ContainerList(context.Background(), container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", docker.LabelCluster+"="+clusterID))})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// noLeftovers checks, at cleanup, that the test left no container behind.
func noLeftovers(t *testing.T, env dockertest.Env, clusterID string) {
	t.Cleanup(func() {
		nmtest.Eventually(t, "no container of the test left on the daemon", func() bool { return len(clusterContainers(t, env, clusterID)) == 0 })
	})
}

func startOn(t *testing.T, c *cluster, id api.ContainerID, env map[string]string, res map[string]api.LocalResource, cmds ...string) {
	t.Helper()
	var resp rpc.StartContainersResponse
	err := c.client().Call(context.Background(), rpc.PathContainersStart, rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{
		Token: c.token(id), Launch: api.LaunchContext{Environment: env, LocalResources: res, Commands: cmds}}}}, &resp)
	if err != nil || len(resp.Started) != 1 {
		t.Fatalf("start %s: %+v %v", id, resp, err)
	}
}

// TestEchoThroughDockerRuntime: a container through the NM's RPC runs in
// Docker, its localized file and environment there, its stdout served by
// the NM; when its application ends it is removed from the daemon.
func TestEchoThroughDockerRuntime(t *testing.T) {
	env := dockerTest(t)
	clusterID := fmt.Sprintf("nmtest-%d-%d", os.Getpid(), time.Now().UnixNano())
	noLeftovers(t, env, clusterID)
	var staging string
	rtDir := t.TempDir()
	c := startCluster(t, dockerRouting(t, env, rtDir, "echo-node", clusterID), func(cfg *Config) { staging = cfg.StagingDir })
	if err := os.MkdirAll(staging, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(staging, "greeting.txt"), []byte("from the staging dir\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	id := mustID(t, "container_e01_1700000000000_0001_01_000001")
	startOn(t, c, id, map[string]string{"WHO": "docker"},
		map[string]api.LocalResource{"greeting.txt": {URL: "file://" + filepath.Join(staging, "greeting.txt"), Type: api.ResourceFile}},
		"{", "echo", "hello $WHO from $CONTAINER_ID;", "cat greeting.txt;", "echo x > greeting.txt || echo read-only;", "}",
		"1><LOG_DIR>/stdout", "2><LOG_DIR>/stderr")
	if got := clusterContainers(t, env, clusterID); len(got) != 1 || got[0].Labels[docker.LabelContainer] != id.String() {
		t.Fatalf("containers on the daemon: %+v", got)
	}
	nmtest.Eventually(t, "the container to exit", func() bool {
		ci, err := c.nm.Containers().Container(id)
		return err == nil && ci.Complete
	})
	var out string
	if code := c.get("/ws/v1/node/containerlogs/"+id.String()+"/stdout", &out); code != 200 ||
		strings.TrimSpace(out) != "hello docker from "+id.String()+"\nfrom the staging dir\nread-only" {
		t.Fatalf("stdout %d %q", code, out)
	}
	if ci, _ := c.nm.Containers().Container(id); ci.ExitStatus != 0 {
		t.Fatalf("container %+v", ci)
	}
	c.rm.QueueHeartbeat(rpc.NodeHeartbeatResponse{ContainersCompletedAck: []api.ContainerID{id}, AppsToCleanup: []api.ApplicationID{id.App()}})
	nmtest.Eventually(t, "the exited container removed from the daemon", func() bool { return len(clusterContainers(t, env, clusterID)) == 0 })
}

// TestDockerWorkPreservingRestart: an NM that goes away leaves its Docker
// containers running; the next one on the same state re-attaches (same
// container, not relaunched), serves its logs, reports the one that exited
// meanwhile with its exit code, and removes them all when the application ends.
func TestDockerWorkPreservingRestart(t *testing.T) {
	env := dockerTest(t)
	clusterID := fmt.Sprintf("nmtest-%d-%d", os.Getpid(), time.Now().UnixNano())
	noLeftovers(t, env, clusterID)
	stateBase := t.TempDir()
	c1 := startCluster(t, dockerRouting(t, env, stateBase, "restart-node", clusterID), func(cfg *Config) { cfg.Supervised = true })
	running := mustID(t, "container_e01_1700000000000_0002_01_000001")
	exiting := mustID(t, "container_e01_1700000000000_0002_01_000002")
	startOn(t, c1, running, nil, nil, "{ echo alive; sleep 60; }", "1><LOG_DIR>/stdout", "2><LOG_DIR>/stderr")
	startOn(t, c1, exiting, nil, nil, "sleep 1; exit 3")
	nmtest.Eventually(t, "alive in the running container's stdout", func() bool {
		var out string
		return c1.get("/ws/v1/node/containerlogs/"+running.String()+"/stdout", &out) == 200 && strings.Contains(out, "alive")
	})
	dockerID := func(id api.ContainerID) string {
		for _, s := range clusterContainers(t, env, clusterID) {
			if s.Labels[docker.LabelContainer] == id.String() {
				return s.ID
			}
		}
		return ""
	}
	before := dockerID(running)

	// The NM goes away without stopping anything (as after kill -9: the
	// daemon owns the containers), and one container exits meanwhile.
	if err := c1.nm.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	nmtest.Eventually(t, "the second container to exit while no NM runs", func() bool {
		info, err := env.Client.ContainerInspect(context.Background(), dockerID(exiting))
		return err == nil && !info.State.Running
	})

	cfg := c1.cfg
	cfg.RPCAddress = c1.nm.RPCAddress() // the same node
	nm2, err := New(cfg, Deps{Runtime: dockerRouting(t, env, stateBase, "restart-node", clusterID), Secret: secret, Version: "test",
		RegisterRetryMin: time.Millisecond, RegisterRetryMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := nm2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c2 := &cluster{t: t, rm: c1.rm, nm: nm2, cfg: cfg, http: c1.http}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		nm2.Stop(ctx)
	})
	nmtest.Eventually(t, "the second registration", func() bool { return len(c1.rm.Registers()) == 2 })
	reg := c1.rm.Registers()[1]
	got := map[api.ContainerID]rpc.ContainerStatus{}
	for _, st := range reg.Containers {
		got[st.ContainerID] = st
	}
	if st := got[running]; st.State != api.RunRunning {
		t.Errorf("re-registration: running container %+v", st)
	}
	if st := got[exiting]; st.State != api.RunComplete || st.ExitStatus != 3 {
		t.Errorf("re-registration: container that exited meanwhile %+v, want COMPLETE with 3", st)
	}
	if after := dockerID(running); after != before || before == "" {
		t.Errorf("docker container %q became %q: relaunched", before, after)
	}
	var out string
	if code := c2.get("/ws/v1/node/containerlogs/"+running.String()+"/stdout", &out); code != 200 || !strings.Contains(out, "alive") {
		t.Errorf("logs after the restart: %d %q", code, out)
	}

	c1.rm.QueueHeartbeat(rpc.NodeHeartbeatResponse{ContainersCompletedAck: []api.ContainerID{exiting}, AppsToCleanup: []api.ApplicationID{running.App()}})
	nmtest.Eventually(t, "the application's containers stopped and removed", func() bool { return len(clusterContainers(t, env, clusterID)) == 0 })
	if ci, _ := nm2.Containers().Container(running); ci.ExitStatus != api.ExitKilledAfterAppCompletion {
		t.Errorf("stopped container %+v, want exit status %d", ci, api.ExitKilledAfterAppCompletion)
	}
}

// TestProcessNodeRefusesDockerContainers: on a node that runs processes
// only, a container asking for Docker fails with a diagnostic saying so.
func TestProcessNodeRefusesDockerContainers(t *testing.T) {
	rt, err := routing.New(routing.Config{Runtimes: map[string]containers.Runtime{routing.TypeDefault: fake.New(fake.Config{})},
		Default: routing.TypeDefault})
	if err != nil {
		t.Fatal(err)
	}
	c := startCluster(t, rt, nil)
	id := mustID(t, "container_e01_1700000000000_0003_01_000001")
	var resp rpc.StartContainersResponse
	err = c.client().Call(context.Background(), rpc.PathContainersStart, rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{
		Token: c.token(id), Launch: api.LaunchContext{Commands: []string{"x"},
			Environment: map[string]string{api.EnvRuntimeType: "docker", api.EnvRuntimeDockerImg: "goyarn/executor:latest"}}}}}, &resp)
	if err != nil || len(resp.Failed) != 1 || !strings.Contains(resp.Failed[0].Error, "YARN_CONTAINER_RUNTIME_TYPE=docker is not available on this node") {
		t.Fatalf("start: %+v %v", resp, err)
	}
	if ci, _ := c.nm.Containers().Container(id); !ci.Complete || !strings.Contains(ci.Diagnostics, "not available on this node") {
		t.Errorf("container %+v: want completed with the refusal as diagnostics", ci)
	}
}
