package containermanager

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
	"github.com/goyarn/goyarn/nodemanager/localizer"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	secret = security.NewSecret([]byte("0123456789abcdef0123456789abcdef"))
	node   = api.NodeID{Host: "127.0.0.1", Port: 45454}
	t0     = time.UnixMilli(1_700_000_000_000)
)

// clock is a settable clock for the manager.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type env struct {
	t       *testing.T
	base    string
	local   string
	logs    string
	staging string
	state   string
	rt      *fake.Runtime
	store   *nmstate.Store
	clock   *clock
	m       *Manager
}

func newEnv(t *testing.T, cfg fake.Config) *env {
	t.Helper()
	base := t.TempDir()
	e := &env{t: t, base: base, local: filepath.Join(base, "local"), logs: filepath.Join(base, "logs"),
		staging: filepath.Join(base, "staging"), state: filepath.Join(base, "state"), clock: &clock{now: t0}}
	for _, d := range []string{e.local, e.logs, e.staging} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if e.store, err = nmstate.Open(e.state); err != nil {
		t.Fatal(err)
	}
	e.rt = fake.New(cfg)
	e.m = e.newManager(e.rt)
	return e
}

func (e *env) newManager(rt *fake.Runtime) *Manager {
	e.t.Helper()
	loc, err := localizer.New([]string{e.staging}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	m, err := New(Config{NodeID: node, HTTPPort: 8042, LocalDirs: []string{e.local}, LogDirs: []string{e.logs},
		StagingDir: e.staging, PathEnv: "/nm/bin", StopGrace: time.Second, LogRetain: time.Hour},
		Deps{Runtime: rt, Secret: secret, Localizer: loc, Store: e.store, Clock: e.clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { m.Shutdown(context.Background(), false) })
	return m
}

func cid(t *testing.T, s string) api.ContainerID {
	t.Helper()
	id, err := api.ParseContainerID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func token(id api.ContainerID, user string) security.ContainerToken {
	return security.SignContainerToken(secret, security.ContainerToken{
		ContainerID: id, NodeID: node, Resource: api.Res(1024, 2), User: user, Priority: 1,
		ExpiresAt: t0.Add(10 * time.Minute).UnixMilli(),
	})
}

func startReq(id api.ContainerID, cmds ...string) rpc.StartContainersRequest {
	return rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{
		Token: token(id, "alice"), Launch: api.LaunchContext{Commands: cmds},
	}}}
}

// status finds id's status in sts.
func status(sts []rpc.ContainerStatus, id api.ContainerID) (rpc.ContainerStatus, bool) {
	for _, s := range sts {
		if s.ContainerID == id {
			return s, true
		}
	}
	return rpc.ContainerStatus{}, false
}

// waitComplete waits until the manager reports id as complete.
func (e *env) waitComplete(id api.ContainerID) rpc.ContainerStatus {
	e.t.Helper()
	var st rpc.ContainerStatus
	nmtest.Eventually(e.t, id.String()+" complete", func() bool {
		s, ok := status(e.m.HeartbeatStatuses(), id)
		st = s
		return ok && s.State == api.RunComplete
	})
	return st
}

func (e *env) mustStart(req rpc.StartContainersRequest) {
	e.t.Helper()
	resp, err := e.m.Start(req)
	if err != nil || len(resp.Failed) > 0 {
		e.t.Fatalf("start: %v %+v", err, resp.Failed)
	}
}
