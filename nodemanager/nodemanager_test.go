package nodemanager

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var secret = security.NewSecret([]byte("0123456789abcdef0123456789abcdef"))

type cluster struct {
	t    *testing.T
	rm   *nmtest.FakeRM
	nm   *NodeManager
	cfg  Config
	http *http.Client
}

func testConfig(t *testing.T, rm *nmtest.FakeRM) Config {
	base := t.TempDir()
	cfg := DefaultConfig()
	cfg.RMAddresses = []string{rm.Addr()}
	cfg.RPCAddress, cfg.WebAddress = "127.0.0.1:0", "127.0.0.1:0"
	cfg.MemoryMB, cfg.VCores = 4096, 4
	cfg.LocalDirs = []string{filepath.Join(base, "local")}
	cfg.LogDirs = []string{filepath.Join(base, "logs")}
	cfg.StagingDir = filepath.Join(base, "staging")
	cfg.ClusterSecretFile = filepath.Join(base, "secret")
	cfg.MinFreeDiskMB = 0
	cfg.StopGrace = time.Second
	return cfg
}

func startCluster(t *testing.T, rt containers.Runtime, mutate func(*Config)) *cluster {
	t.Helper()
	rm := nmtest.NewFakeRM(t, secret)
	cfg := testConfig(t, rm)
	if mutate != nil {
		mutate(&cfg)
	}
	nm, err := New(cfg, Deps{Runtime: rt, Secret: secret, Version: "test", RegisterRetryMin: time.Millisecond, RegisterRetryMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := nm.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, rm: rm, nm: nm, cfg: cfg, http: &http.Client{Timeout: 10 * time.Second}}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		nm.Stop(ctx)
		c.http.CloseIdleConnections()
	})
	select {
	case <-nm.Registered():
	case <-time.After(10 * time.Second):
		t.Fatal("not registered")
	}
	return c
}

func (c *cluster) client() *rpc.Client {
	cl, err := rpc.NewClient([]string{c.nm.RPCAddress()}, rpc.Options{})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(cl.Close)
	return cl
}

func (c *cluster) token(id api.ContainerID) security.ContainerToken {
	return security.SignContainerToken(secret, security.ContainerToken{ContainerID: id, NodeID: c.nm.NodeID(),
		Resource: api.Res(512, 1), User: "alice", ExpiresAt: time.Now().Add(time.Minute).UnixMilli()})
}

func (c *cluster) get(path string, v any) int {
	c.t.Helper()
	res, err := c.http.Get("http://" + c.nm.WebAddress() + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if v != nil {
		if s, ok := v.(*string); ok {
			*s = string(b)
		} else if err := json.Unmarshal(b, v); err != nil {
			c.t.Fatalf("GET %s: %v: %s", path, err, b)
		}
	}
	return res.StatusCode
}

func mustID(t *testing.T, s string) api.ContainerID {
	id, err := api.ParseContainerID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRegistration(t *testing.T) {
	c := startCluster(t, fake.New(fake.Config{}), nil)
	regs := c.rm.Registers()
	r := regs[0]
	if r.NodeID != c.nm.NodeID() || r.NodeID.Host != "127.0.0.1" || r.NodeID.Port == 0 || r.NodeID.String() != c.nm.RPCAddress() {
		t.Fatalf("node id %v (rpc %s)", r.NodeID, c.nm.RPCAddress())
	}
	if r.HTTPAddress != c.nm.WebAddress() || r.Total != api.Res(4096, 4) || r.Version != "test" || !r.Health.Healthy || r.StartedAt == 0 {
		t.Fatalf("register %+v", r)
	}
	var info yarn.NodeInfoResponse
	if code := c.get("/ws/v1/node/info", &info); code != 200 || info.NodeInfo.ID != c.nm.NodeID() || info.NodeInfo.TotalPmemAllocatedContainersMB != 4096 || !info.NodeInfo.NodeHealthy {
		t.Fatalf("nodeInfo %d %+v", code, info)
	}
	ready := c.nm.Ready(42)
	if ready.NodeID != c.nm.NodeID().String() || ready.WebAddress != c.nm.WebAddress() || ready.PID != 42 {
		t.Fatalf("ready %+v", ready)
	}
}

func TestContainerLifecycleThroughRPC(t *testing.T) {
	rt := fake.New(fake.Config{ByCommand: map[string]fake.Outcome{"sleep": {RunUntilStopped: true}}})
	c := startCluster(t, rt, nil)
	cl := c.client()
	id := mustID(t, "container_e01_1700000000000_0001_01_000001")
	var resp rpc.StartContainersResponse
	err := cl.Call(context.Background(), rpc.PathContainersStart, rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{
		{Token: c.token(id), Launch: api.LaunchContext{Commands: []string{"sleep"}}}}}, &resp)
	if err != nil || len(resp.Started) != 1 {
		t.Fatalf("start %+v %v", resp, err)
	}
	nmtest.Eventually(t, "a RUNNING status in a heartbeat", func() bool {
		hb, _ := c.rm.LastHeartbeat()
		return len(hb.Containers) == 1 && hb.Containers[0].State == api.RunRunning
	})
	var ctr yarn.NMContainerResponse
	if code := c.get("/ws/v1/node/containers/"+id.String(), &ctr); code != 200 || ctr.Container.State != api.NMContainerRunning || ctr.Container.NodeID != c.nm.NodeID() {
		t.Fatalf("REST container %d %+v", code, ctr)
	}

	var stop rpc.StopContainersResponse
	if err := cl.Call(context.Background(), rpc.PathContainersStop, rpc.ContainersRequest{Tokens: []security.ContainerToken{c.token(id)}}, &stop); err != nil || len(stop.Stopped) != 1 {
		t.Fatalf("stop %+v %v", stop, err)
	}
	nmtest.Eventually(t, "a COMPLETE status in a heartbeat", func() bool {
		hb, _ := c.rm.LastHeartbeat()
		return len(hb.Containers) == 1 && hb.Containers[0].State == api.RunComplete && hb.Containers[0].ExitStatus == api.ExitKilledByAppMaster
	})
	c.rm.QueueHeartbeat(rpc.NodeHeartbeatResponse{ContainersCompletedAck: []api.ContainerID{id}, AppsToCleanup: []api.ApplicationID{id.App()}})
	n := len(c.rm.Heartbeats())
	nmtest.Eventually(t, "heartbeats without the acked container", func() bool {
		hbs := c.rm.Heartbeats()
		return len(hbs) > n+1 && len(hbs[len(hbs)-1].Containers) == 0
	})
	var apps yarn.NMAppsResponse
	nmtest.Eventually(t, "app FINISHED", func() bool {
		c.get("/ws/v1/node/apps?state=FINISHED", &apps)
		return len(apps.Apps.App) == 1
	})

	// A bad token over the wire: INVALID_TOKEN, nothing started.
	bad := c.token(mustID(t, "container_e01_1700000000000_0001_01_000002"))
	bad.User = "mallory"
	err = cl.Call(context.Background(), rpc.PathContainersStart, rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{
		{Token: bad, Launch: api.LaunchContext{Commands: []string{"sleep"}}}}}, &resp)
	if rpc.CodeOf(err) != rpc.CodeInvalidToken || len(rt.Started()) != 1 {
		t.Fatalf("bad token: %v, %d started", err, len(rt.Started()))
	}
}

func TestResyncAndNotRegistered(t *testing.T) {
	rt := fake.New(fake.Config{Default: fake.Outcome{RunUntilStopped: true}})
	c := startCluster(t, rt, nil)
	id := mustID(t, "container_e01_1700000000000_0001_01_000001")
	if _, err := c.nm.Containers().Start(rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{
		{Token: c.token(id), Launch: api.LaunchContext{Commands: []string{"x"}}}}}); err != nil {
		t.Fatal(err)
	}
	c.rm.QueueHeartbeat(rpc.Errorf(rpc.CodeNotRegistered, "new RM"))
	nmtest.Eventually(t, "re-registration", func() bool { return len(c.rm.Registers()) == 2 })
	if regs := c.rm.Registers(); len(regs[1].Containers) != 1 || regs[1].Containers[0].ContainerID != id {
		t.Fatalf("re-registration carries %+v", regs[1].Containers)
	}
	c.rm.QueueHeartbeat(rpc.NodeHeartbeatResponse{Action: rpc.ActionResync})
	nmtest.Eventually(t, "second re-registration", func() bool { return len(c.rm.Registers()) == 3 })
}

func TestGracefulStop(t *testing.T) {
	for _, supervised := range []bool{false, true} {
		t.Run(map[bool]string{false: "kills and unregisters", true: "supervised keeps containers"}[supervised], func(t *testing.T) {
			rt := fake.New(fake.Config{Default: fake.Outcome{RunUntilStopped: true}})
			c := startCluster(t, rt, func(cfg *Config) { cfg.Supervised = supervised })
			id := mustID(t, "container_e01_1700000000000_0001_01_000001")
			if _, err := c.nm.Containers().Start(rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{
				{Token: c.token(id), Launch: api.LaunchContext{Commands: []string{"x"}}}}}); err != nil {
				t.Fatal(err)
			}
			if err := c.nm.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
			st, _ := rt.Inspect(context.Background(), id)
			if st.Running != supervised {
				t.Fatalf("container running = %v", st.Running)
			}
			if n := len(c.rm.Unregisters()); (n == 1) == supervised {
				t.Fatalf("%d unregistrations", n)
			}
			// Stop again is harmless.
			if err := c.nm.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRMOrdersShutdown(t *testing.T) {
	c := startCluster(t, fake.New(fake.Config{}), nil)
	c.rm.QueueHeartbeat(rpc.NodeHeartbeatResponse{Action: rpc.ActionShutdown})
	select {
	case <-c.nm.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed")
	}
}
