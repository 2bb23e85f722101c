package core

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// failover builds a second core on h's store, as a newly elected RM with
// epoch 2 does, and recovers the stored state into it.
func (h *harness) failover(grace time.Duration) *harness {
	h.t.Helper()
	h.c.Close() // drains the journal: every write is in the store
	st, err := h.store.Load(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	n := &harness{t: h.t, launcher: &fakeLauncher{}, now: h.now, secret: h.secret, nodeResp: map[api.NodeID]int64{}, store: h.store}
	cfg := DefaultConfig()
	cfg.ClusterTimestamp = h.now.UnixMilli()
	cfg.Epoch = 2
	sched, _ := scheduler.New(scheduler.DefaultConfig())
	n.c, err = New(cfg, Deps{Scheduler: sched, Store: h.store, Launcher: n.launcher, Secret: h.secret, Now: func() time.Time { return n.now }})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(n.c.Close)
	if err := n.c.Recover(st, grace); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// registerWith re-registers node id with the core, reporting containers.
func (h *harness) registerWith(id api.NodeID, sts ...rpc.ContainerStatus) {
	h.t.Helper()
	if _, err := h.c.RegisterNode(rpc.RegisterNodeRequest{NodeID: id, HTTPAddress: "127.0.0.1:8042", Total: api.Res(8192, 8),
		Health: rpc.NodeHealth{Healthy: true}, Containers: sts}); err != nil {
		h.t.Fatal(err)
	}
	h.nodeResp[id] = 0
}

func withRes(st rpc.ContainerStatus, ct rpc.Container) rpc.ContainerStatus {
	st.Resource, st.Priority = ct.Resource, ct.Priority
	return st
}

// A running application survives a failover: its containers are adopted
// from the NMs' reports, its AM resyncs and sees them again, nothing new is
// scheduled during the grace period, new containers carry the new epoch,
// and it finishes normally.
func TestFailoverKeepsRunningApplications(t *testing.T) {
	h := newHarness(t)
	n1 := h.addNode(1, 8192, 8)
	id := h.submit("alice")
	l := h.startAM()
	a := h.am(l.Attempt)
	execs := a.allocate(ask(3, 1024)).Allocated
	if len(execs) != 3 {
		t.Fatalf("allocated %d", len(execs))
	}
	finished := h.submit("bob")
	if _, err := h.c.Kill(context.Background(), finished, "bob", false); err != nil {
		t.Fatal(err)
	}

	b := h.failover(5 * time.Second)
	if v, ok := b.c.App(finished); !ok || v.State != api.AppKilled {
		t.Fatalf("finished app after failover: %+v %v", v.State, ok)
	}
	if v, _ := b.c.App(id); v.State != api.AppRunning {
		t.Fatalf("running app recovered as %s", v.State)
	}
	// The NM reports the AM and executors; one executor ended meanwhile.
	b.registerWith(n1, withRes(running(l.Container.ID), l.Container), withRes(running(execs[0].ID), execs[0]),
		withRes(running(execs[1].ID), execs[1]), withRes(exited(execs[2].ID, 0), execs[2]))
	if _, used := b.c.Cluster(); used != api.Res(3*1024, 3) {
		t.Fatalf("recovered usage %s, want AM + 2 executors", used)
	}
	// The AM's first allocate is told to resync; it registers again and is
	// told of its running executors.
	resp, err := b.c.Allocate(rpc.AllocateRequest{AttemptID: l.Attempt, ResponseID: a.respID})
	if err != nil || resp.AMCommand != rpc.AMResync {
		t.Fatalf("allocate after failover: %+v %v", resp, err)
	}
	reg, err := b.c.RegisterAM(rpc.RegisterAMRequest{AttemptID: l.Attempt, Host: "h", RPCPort: 1})
	if err != nil || len(reg.ContainersFromPreviousAttempts) != 2 {
		t.Fatalf("re-registration: %d containers, %v", len(reg.ContainersFromPreviousAttempts), err)
	}
	// Asks are held until the grace period ends, then served with epoch 2 ids.
	b2 := b.am(l.Attempt)
	resp = b2.allocate(ask(1, 1024))
	if len(resp.Allocated) != 0 {
		t.Fatalf("scheduled during the grace period: %+v", resp.Allocated)
	}
	if len(resp.Completed) != 1 || resp.Completed[0].ContainerID != execs[2].ID {
		t.Fatalf("the executor that ended during the failover was not reported: %+v", resp.Completed)
	}
	b.advance(6 * time.Second)
	b.heartbeat(n1)
	resp = b2.allocate(nil) // the ask stands: an AM re-sends only what changed
	if len(resp.Allocated) != 1 || resp.Allocated[0].ID.Epoch != 2 || resp.Allocated[0].ID.Seq == 1 {
		t.Fatalf("after the grace period: %+v", resp.Allocated)
	}
	if _, err := b.c.FinishAM(context.Background(), rpc.FinishAMRequest{AttemptID: l.Attempt, FinalStatus: api.FinalSucceeded}); err != nil {
		t.Fatal(err)
	}
	if v, _ := b.c.App(id); v.State != api.AppFinished || v.FinalStatus != api.FinalSucceeded {
		t.Fatalf("app ended %s/%s", v.State, v.FinalStatus)
	}
}

// An attempt whose AM container no NM reports by the end of the grace
// period failed during the failover: a new attempt starts.
func TestFailoverRetriesAttemptWithLostAM(t *testing.T) {
	h := newHarness(t)
	h.addNode(1, 8192, 8)
	id := h.submit("alice")
	h.startAM()
	b := h.failover(2 * time.Second)
	b.registerWith(nodeN(1)) // reports nothing
	b.advance(3 * time.Second)
	v, _ := b.c.App(id)
	if len(v.Attempts) != 2 || v.Attempts[0].State != api.AttemptFailed || !strings.Contains(v.Attempts[0].Diagnostics, "failed over") {
		t.Fatalf("attempts after the grace period: %+v", v.Attempts)
	}
	ls := b.launcher.take()
	if len(ls) != 1 || ls[0].Container.ID.Epoch != 2 || ls[0].Attempt.Attempt != 2 {
		t.Fatalf("new attempt's AM launch: %+v", ls)
	}
}

// Containers are never adopted twice, nor when they are not a previous
// active's: an NM's report of an unknown current-epoch container, or of one
// of a finished application, gets it stopped.
func TestAdoptionRules(t *testing.T) {
	h := newHarness(t)
	n1 := h.addNode(1, 8192, 8)
	id := h.submit("alice")
	l := h.startAM()
	execs := h.am(l.Attempt).allocate(ask(1, 1024)).Allocated
	b := h.failover(time.Second)
	forged := api.ContainerID{Attempt: l.Attempt, Epoch: 2, Seq: 99}
	other := api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 7}, Attempt: 1}, Seq: 2}
	b.registerWith(n1, withRes(running(l.Container.ID), l.Container), withRes(running(execs[0].ID), execs[0]),
		rpc.ContainerStatus{ContainerID: forged, State: api.RunRunning, Resource: api.Res(1024, 1)},
		rpc.ContainerStatus{ContainerID: other, State: api.RunRunning, Resource: api.Res(1024, 1)})
	hb := b.heartbeat(n1)
	if !containsID(hb.ContainersToCleanup, forged) || !containsID(hb.ContainersToCleanup, other) {
		t.Fatalf("unknown containers not stopped: %+v", hb.ContainersToCleanup)
	}
	if v, _ := b.c.App(id); v.RunningContainers != 2 {
		t.Fatalf("adopted %d containers, want the AM and one executor", v.RunningContainers)
	}
	// The executor is lost, then its node reports it again: not re-adopted.
	b.advance(40 * time.Second)
	b.registerWith(n1, withRes(running(execs[0].ID), execs[0]))
	if hb := b.heartbeat(n1); !containsID(hb.ContainersToCleanup, execs[0].ID) {
		t.Fatalf("a container this RM declared lost was adopted again: %+v", hb)
	}
}

func TestRecoverRefusesABusyCore(t *testing.T) {
	h := newHarness(t)
	h.submit("alice")
	if err := h.c.Recover(store.State{}, time.Second); err == nil {
		t.Fatal("Recover on a core with applications succeeded")
	}
}
