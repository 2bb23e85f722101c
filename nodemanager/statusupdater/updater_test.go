package statusupdater

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeContainers records what the updater asks of the container manager.
type fakeContainers struct {
	mu       sync.Mutex
	statuses []rpc.ContainerStatus
	acked    []api.ContainerID
	stopped  []api.ContainerID
	cleaned  []api.ApplicationID
}

func (f *fakeContainers) RegisterStatuses() []rpc.ContainerStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]rpc.ContainerStatus(nil), f.statuses...)
}

func (f *fakeContainers) HeartbeatStatuses() []rpc.ContainerStatus { return f.RegisterStatuses() }

func (f *fakeContainers) AckCompleted(ids []api.ContainerID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acked = append(f.acked, ids...)
}

func (f *fakeContainers) StopByRM(ids []api.ContainerID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, ids...)
}

func (f *fakeContainers) CleanupApps(ids []api.ApplicationID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleaned = append(f.cleaned, ids...)
}

func (f *fakeContainers) snapshot() (acked, stopped []api.ContainerID, cleaned []api.ApplicationID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]api.ContainerID(nil), f.acked...), append([]api.ContainerID(nil), f.stopped...), append([]api.ApplicationID(nil), f.cleaned...)
}

type harness struct {
	rm     *nmtest.FakeRM
	ctrs   *fakeContainers
	u      *Updater
	cancel context.CancelFunc
	done   chan error
}

var node = api.NodeID{Host: "127.0.0.1", Port: 45454}

func start(t *testing.T, addrs ...string) *harness {
	t.Helper()
	return startWith(t, nil, addrs...)
}

// startWith is start, with prepare run on the fake RM before the updater
// starts (to queue its answers: the updater registers at once).
func startWith(t *testing.T, prepare func(*nmtest.FakeRM), addrs ...string) *harness {
	t.Helper()
	secret := security.NewSecret([]byte("0123456789abcdef0123456789abcdef"))
	rm := nmtest.NewFakeRM(t, secret)
	if prepare != nil {
		prepare(rm)
	}
	if len(addrs) == 0 {
		addrs = []string{rm.Addr()}
	}
	client, err := rpc.NewClient(addrs, rpc.Options{Bearer: secret.NodeKey(), Timeout: 5 * time.Second, BackoffBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	h := &harness{rm: rm, ctrs: &fakeContainers{}, done: make(chan error, 1)}
	h.u = New(Config{NodeID: node, HTTPAddress: "127.0.0.1:8042", Total: api.Res(4096, 4), Version: "test",
		StartedAt: time.UnixMilli(1_700_000_000_000), RetryMin: time.Millisecond, RetryMax: 10 * time.Millisecond},
		Deps{Client: client, Containers: h.ctrs})
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.u.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-h.done
	})
	return h
}

func cid(t *testing.T, s string) api.ContainerID {
	t.Helper()
	id, err := api.ParseContainerID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRegisterCarriesNodeAndContainers(t *testing.T) {
	h := start(t)
	<-h.u.Registered()
	regs := h.rm.Registers()
	if len(regs) != 1 {
		t.Fatalf("%d registrations", len(regs))
	}
	r := regs[0]
	if r.NodeID != node || r.HTTPAddress != "127.0.0.1:8042" || r.Total != api.Res(4096, 4) || r.Version != "test" ||
		r.StartedAt != 1_700_000_000_000 || !r.Health.Healthy {
		t.Fatalf("register = %+v", r)
	}
	nmtest.Eventually(t, "a heartbeat", func() bool { return len(h.rm.Heartbeats()) > 0 })
	if ok, _ := h.u.State(); !ok {
		t.Fatal("not registered")
	}
}

func TestRegisterRetriesUntilAnRMAnswers(t *testing.T) {
	h := startWith(t, func(rm *nmtest.FakeRM) {
		rm.QueueRegister(rpc.Errorf(rpc.CodeInternal, "busy"), rpc.RegisterNodeResponse{Action: rpc.ActionResync})
	})
	<-h.u.Registered()
	if n := len(h.rm.Registers()); n != 3 {
		t.Fatalf("%d registrations, want 3 (error, resync, accepted)", n)
	}
}

func TestRegisterFailsOverToTheNextRM(t *testing.T) {
	secret := security.NewSecret([]byte("0123456789abcdef0123456789abcdef"))
	standby := nmtest.NewFakeRM(t, secret)
	standby.QueueRegister(rpc.Errorf(rpc.CodeNotActive, "standby"))
	active := nmtest.NewFakeRM(t, secret)
	// A dead address, a standby, then the active RM.
	client, err := rpc.NewClient([]string{"127.0.0.1:1", standby.Addr(), active.Addr()}, rpc.Options{Bearer: secret.NodeKey(), BackoffBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	u := New(Config{NodeID: node, RetryMin: time.Millisecond}, Deps{Client: client, Containers: &fakeContainers{}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-u.Registered()
	if len(active.Registers()) != 1 || len(standby.Registers()) != 1 {
		t.Fatalf("active %d, standby %d registrations", len(active.Registers()), len(standby.Registers()))
	}
}

func TestHeartbeatActions(t *testing.T) {
	h := start(t)
	<-h.u.Registered()
	c1 := cid(t, "container_1700000000000_0001_01_000001")
	c2 := cid(t, "container_1700000000000_0001_01_000002")
	app := c1.App()
	h.rm.QueueHeartbeat(rpc.NodeHeartbeatResponse{
		Action: rpc.ActionNormal, HeartbeatIntervalMs: 20,
		ContainersCompletedAck: []api.ContainerID{c1},
		ContainersToCleanup:    []api.ContainerID{c2},
		AppsToCleanup:          []api.ApplicationID{app},
	})
	nmtest.Eventually(t, "the actions", func() bool {
		a, s, c := h.ctrs.snapshot()
		return len(a) == 1 && a[0] == c1 && len(s) == 1 && s[0] == c2 && len(c) == 1 && c[0] == app
	})
	// The next heartbeat echoes the id of the last response received.
	nmtest.Eventually(t, "responseId echoed", func() bool {
		hb, _ := h.rm.LastHeartbeat()
		return hb.ResponseID >= 1
	})
}

func TestReRegister(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer any
	}{
		{"NOT_REGISTERED", rpc.Errorf(rpc.CodeNotRegistered, "who are you")},
		{"RESYNC", rpc.NodeHeartbeatResponse{Action: rpc.ActionResync}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t)
			<-h.u.Registered()
			h.ctrs.mu.Lock()
			h.ctrs.statuses = []rpc.ContainerStatus{{ContainerID: cid(t, "container_1700000000000_0001_01_000001"), State: api.RunRunning, ExitStatus: api.ExitInvalid}}
			h.ctrs.mu.Unlock()
			h.rm.QueueHeartbeat(tc.answer)
			nmtest.Eventually(t, "a second registration", func() bool { return len(h.rm.Registers()) == 2 })
			if got := h.rm.Registers()[1].Containers; len(got) != 1 {
				t.Fatalf("re-registration reports %v", got)
			}
		})
	}
}

func TestShutdown(t *testing.T) {
	h := start(t)
	<-h.u.Registered()
	h.rm.QueueHeartbeat(rpc.NodeHeartbeatResponse{Action: rpc.ActionShutdown})
	select {
	case err := <-h.done:
		if !errors.Is(err, ErrShutdown) {
			t.Fatalf("Run = %v", err)
		}
		h.done <- err // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}

func TestUnregister(t *testing.T) {
	h := start(t)
	<-h.u.Registered()
	if err := h.u.Unregister(context.Background()); err != nil {
		t.Fatal(err)
	}
	if u := h.rm.Unregisters(); len(u) != 1 || u[0].NodeID != node {
		t.Fatalf("unregisters %v", u)
	}
}

func TestRMFailoverDuringHeartbeats(t *testing.T) {
	secret := security.NewSecret([]byte("0123456789abcdef0123456789abcdef"))
	rm1 := nmtest.NewFakeRM(t, secret)
	rm2 := nmtest.NewFakeRM(t, secret)
	rm2.QueueHeartbeat(rpc.Errorf(rpc.CodeNotRegistered, "node unknown to this RM")) // a new active knows no nodes
	client, err := rpc.NewClient([]string{rm1.Addr(), rm2.Addr()}, rpc.Options{Bearer: secret.NodeKey(), BackoffBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctrs := &fakeContainers{statuses: []rpc.ContainerStatus{{ContainerID: cid(t, "container_e01_1700000000000_0001_01_000001"), State: api.RunRunning, ExitStatus: api.ExitInvalid}}}
	u := New(Config{NodeID: node, RetryMin: time.Millisecond}, Deps{Client: client, Containers: ctrs})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-u.Registered()
	nmtest.Eventually(t, "heartbeats to the first RM", func() bool { return len(rm1.Heartbeats()) > 0 })
	rm1.Server.CloseClientConnections()
	rm1.Server.Close() // the active RM dies
	nmtest.Eventually(t, "registration with the new active RM", func() bool { return len(rm2.Registers()) == 1 })
	if got := rm2.Registers()[0].Containers; len(got) != 1 {
		t.Fatalf("registration with the new RM reports %v", got)
	}
	nmtest.Eventually(t, "heartbeats to the new RM", func() bool { return len(rm2.Heartbeats()) > 1 })
}
