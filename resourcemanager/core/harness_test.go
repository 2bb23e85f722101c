package core

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store/mem"
)

// fakeLauncher records launches.
type fakeLauncher struct {
	mu       sync.Mutex
	launches []LaunchRequest
}

func (f *fakeLauncher) Launch(r LaunchRequest) {
	f.mu.Lock()
	f.launches = append(f.launches, r)
	f.mu.Unlock()
}

func (f *fakeLauncher) take() []LaunchRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.launches
	f.launches = nil
	return out
}

type harness struct {
	t        *testing.T
	c        *Core
	launcher *fakeLauncher
	now      time.Time
	secret   security.Secret
	nodeResp map[api.NodeID]int64
	store    *mem.Store
	finished []api.ApplicationID // told to Deps.OnAppFinished
}

var t0 = time.UnixMilli(1700000000000)

func newHarness(t *testing.T, tweak ...func(*Config, *scheduler.Config)) *harness {
	t.Helper()
	h := &harness{t: t, launcher: &fakeLauncher{}, now: t0, secret: security.NewSecret([]byte("0123456789abcdef0123")), nodeResp: map[api.NodeID]int64{}, store: mem.New()}
	cfg := DefaultConfig()
	cfg.ClusterTimestamp = t0.UnixMilli()
	cfg.Epoch = 1
	scfg := scheduler.DefaultConfig()
	for _, f := range tweak {
		f(&cfg, &scfg)
	}
	sched, err := scheduler.New(scfg)
	if err != nil {
		t.Fatal(err)
	}
	h.c, err = New(cfg, Deps{Scheduler: sched, Store: h.store, Launcher: h.launcher, Secret: h.secret, Now: func() time.Time { return h.now },
		OnAppFinished: func(id api.ApplicationID, _ api.SubmissionContext) { h.finished = append(h.finished, id) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.c.Close)
	return h
}

func (h *harness) advance(d time.Duration) {
	h.now = h.now.Add(d)
	h.c.Tick(h.now)
}

func nodeN(n int) api.NodeID { return api.NodeID{Host: "127.0.0.1", Port: 9000 + n} }

func (h *harness) addNode(n int, mb, vcores int64) api.NodeID {
	h.t.Helper()
	id := nodeN(n)
	_, err := h.c.RegisterNode(rpc.RegisterNodeRequest{NodeID: id, HTTPAddress: "127.0.0.1:8042", Total: api.Res(mb, vcores), Health: rpc.NodeHealth{Healthy: true}})
	if err != nil {
		h.t.Fatal(err)
	}
	h.nodeResp[id] = 0
	return id
}

// heartbeat sends a heartbeat from node id with the given statuses.
func (h *harness) heartbeat(id api.NodeID, sts ...rpc.ContainerStatus) rpc.NodeHeartbeatResponse {
	h.t.Helper()
	resp, err := h.c.NodeHeartbeat(rpc.NodeHeartbeatRequest{NodeID: id, ResponseID: h.nodeResp[id], Containers: sts, Health: rpc.NodeHealth{Healthy: true}})
	if err != nil {
		h.t.Fatalf("heartbeat %s: %v", id, err)
	}
	h.nodeResp[id] = resp.ResponseID
	return resp
}

func running(id api.ContainerID) rpc.ContainerStatus {
	return rpc.ContainerStatus{ContainerID: id, State: api.RunRunning, ExitStatus: api.ExitInvalid}
}

func exited(id api.ContainerID, code int) rpc.ContainerStatus {
	return rpc.ContainerStatus{ContainerID: id, State: api.RunComplete, ExitStatus: code}
}

func (h *harness) submit(user string, mutate ...func(*api.SubmissionContext)) api.ApplicationID {
	h.t.Helper()
	id, _ := h.c.NewApplication(user)
	sub := api.SubmissionContext{ApplicationID: id, Name: "t", AMResource: api.Res(1024, 1),
		AMContainer: api.LaunchContext{Commands: []string{"./am"}}}
	for _, m := range mutate {
		m(&sub)
	}
	if err := h.c.Submit(context.Background(), sub, user); err != nil {
		h.t.Fatalf("submit: %v", err)
	}
	return id
}

// startAM takes the pending AM launch, acknowledges it and registers the AM.
func (h *harness) startAM() LaunchRequest {
	h.t.Helper()
	ls := h.launcher.take()
	if len(ls) != 1 {
		h.t.Fatalf("want 1 AM launch, got %d", len(ls))
	}
	l := ls[0]
	h.c.AMLaunched(l.Attempt, l.Container.ID, nil)
	if _, err := h.c.RegisterAM(rpc.RegisterAMRequest{AttemptID: l.Attempt, Host: "127.0.0.1", RPCPort: 1}); err != nil {
		h.t.Fatalf("register AM: %v", err)
	}
	return l
}

func (h *harness) app(id api.ApplicationID) AppView {
	h.t.Helper()
	v, ok := h.c.App(id)
	if !ok {
		h.t.Fatalf("app %s not found", id)
	}
	return v
}

// am drives one AM's allocate protocol.
type am struct {
	h      *harness
	att    api.AttemptID
	respID int64
}

func (h *harness) am(att api.AttemptID) *am { return &am{h: h, att: att} }

func (a *am) allocate(asks []rpc.ResourceRequest, releases ...api.ContainerID) rpc.AllocateResponse {
	a.h.t.Helper()
	resp, err := a.h.c.Allocate(rpc.AllocateRequest{AttemptID: a.att, ResponseID: a.respID, Asks: asks, Releases: releases})
	if err != nil {
		a.h.t.Fatalf("allocate: %v", err)
	}
	a.respID = resp.ResponseID
	return resp
}

func ask(n int32, mb int64) []rpc.ResourceRequest {
	return []rpc.ResourceRequest{{Priority: 1, ResourceName: "*", Capability: api.Res(mb, 1), NumContainers: n}}
}
