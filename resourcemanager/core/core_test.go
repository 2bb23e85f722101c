package core

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

func TestApplicationLifecycle(t *testing.T) {
	h := newHarness(t)
	n1, n2 := h.addNode(1, 4096, 4), h.addNode(2, 4096, 4)
	id := h.submit("alice")
	if st := h.app(id).State; st != api.AppAccepted {
		t.Fatalf("after submit: %s", st)
	}
	l := h.startAM()
	if l.Container.ID.Seq != 1 || l.Container.ID.Epoch != 1 || l.Attempt.Attempt != 1 {
		t.Fatalf("AM container id %s", l.Container.ID)
	}
	if err := security.VerifyAMToken(h.secret, l.Attempt, l.Launch.Environment[api.EnvAMToken]); err != nil {
		t.Fatalf("AM env carries no valid AM token: %v", err)
	}
	if err := security.VerifyContainerToken(h.secret, l.Container.Token, l.Container.NodeID, h.now); err != nil {
		t.Fatalf("AM container token: %v", err)
	}
	if st := h.app(id).State; st != api.AppRunning {
		t.Fatalf("after AM registration: %s", st)
	}

	a := h.am(l.Attempt)
	resp := a.allocate(ask(4, 1024))
	if len(resp.Allocated) != 4 {
		t.Fatalf("allocated %d containers, want 4", len(resp.Allocated))
	}
	perNode := map[api.NodeID]int{}
	for _, ct := range resp.Allocated {
		perNode[ct.NodeID]++
		if ct.Resource != api.Res(1024, 1) {
			t.Fatalf("container %s has %s", ct.ID, ct.Resource)
		}
	}
	if perNode[n1] == 0 || perNode[n2] == 0 {
		t.Fatalf("containers not spread over both nodes: %v", perNode)
	}
	// Never over-commit: 4 GB nodes hold at most 4 containers of 1 GB.
	for _, nv := range h.c.Nodes() {
		if !nv.Used.Fits(nv.Total) {
			t.Fatalf("node %s over-committed: %s of %s", nv.ID, nv.Used, nv.Total)
		}
	}

	// The NMs report the containers running, then complete.
	for _, ct := range resp.Allocated {
		h.heartbeat(ct.NodeID, running(ct.ID))
	}
	// Five 1 GB, 1-vcore containers (AM included) held for 1.5 s: 7680
	// MB-seconds; vcore-seconds round down per container, as in YARN.
	h.now = h.now.Add(1500 * time.Millisecond)
	if v := h.app(id); v.MemorySeconds != 5*1024*3/2 || v.VcoreSeconds != 5 {
		t.Fatalf("resource use %d MB-s, %d vcore-s; want 7680, 5", v.MemorySeconds, v.VcoreSeconds)
	}
	for _, ct := range resp.Allocated {
		hb := h.heartbeat(ct.NodeID, exited(ct.ID, 0))
		if len(hb.ContainersCompletedAck) != 1 || hb.ContainersCompletedAck[0] != ct.ID {
			t.Fatalf("completion of %s not acknowledged: %+v", ct.ID, hb)
		}
	}
	resp = a.allocate(nil)
	if len(resp.Completed) != 4 {
		t.Fatalf("AM told of %d completed containers, want 4", len(resp.Completed))
	}
	for _, st := range resp.Completed {
		if st.ExitStatus != 0 || st.State != api.RunComplete {
			t.Fatalf("completed status %+v", st)
		}
	}

	if _, err := h.c.FinishAM(context.Background(), rpc.FinishAMRequest{AttemptID: l.Attempt, FinalStatus: api.FinalSucceeded}); err != nil {
		t.Fatal(err)
	}
	v := h.app(id)
	if v.State != api.AppFinished || v.FinalStatus != api.FinalSucceeded {
		t.Fatalf("after unregister: %s/%s", v.State, v.FinalStatus)
	}
	// The AM container exits on its own; the attempt finishes.
	h.heartbeat(l.Container.NodeID, exited(l.Container.ID, 0))
	v = h.app(id)
	if v.Attempts[0].State != api.AttemptFinished || v.RunningContainers != 0 {
		t.Fatalf("attempt %s, %d containers left", v.Attempts[0].State, v.RunningContainers)
	}
	// The finished containers stay listed (for the UI): 4 executors, then the AM.
	if f := v.Attempts[0].Finished; len(f) != 5 || !f[4].AM || f[0].State != api.ContainerCompleted || f[0].Finished.IsZero() {
		t.Fatalf("finished containers %+v", f)
	}
	if _, used := h.c.Cluster(); !used.IsZero() {
		t.Fatalf("resources still allocated after the app ended: %s", used)
	}
	m := h.c.Metrics()
	if m.AppsSubmitted != 1 || m.AppsCompleted != 1 || m.AppsRunning != 0 {
		t.Fatalf("metrics %+v", m)
	}
}

func TestAMFailureRetriesThenFails(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *scheduler.Config) { c.MaxAttempts = 2 })
	h.addNode(1, 8192, 8)
	id := h.submit("alice")
	for attempt := int32(1); attempt <= 2; attempt++ {
		l := h.startAM()
		if l.Attempt.Attempt != attempt {
			t.Fatalf("launch is for attempt %d, want %d", l.Attempt.Attempt, attempt)
		}
		a := h.am(l.Attempt)
		exec := a.allocate(ask(1, 1024)).Allocated
		if len(exec) != 1 {
			t.Fatalf("attempt %d got %d executors", attempt, len(exec))
		}
		h.heartbeat(l.Container.NodeID, running(l.Container.ID), running(exec[0].ID))
		// The AM dies without unregistering: its executor must be stopped.
		hb := h.heartbeat(l.Container.NodeID, exited(l.Container.ID, 3), running(exec[0].ID))
		if !containsID(hb.ContainersToCleanup, exec[0].ID) {
			t.Fatalf("attempt %d: executor %s of the failed attempt not cleaned up: %+v", attempt, exec[0].ID, hb)
		}
		if _, err := h.c.Allocate(rpc.AllocateRequest{AttemptID: l.Attempt, ResponseID: a.respID}); !errors.Is(err, ErrNotCurrent) {
			t.Fatalf("allocate from a failed attempt: %v, want ErrNotCurrent", err)
		}
	}
	v := h.app(id)
	if v.State != api.AppFailed || v.FinalStatus != api.FinalFailed || len(v.Attempts) != 2 {
		t.Fatalf("app %s/%s with %d attempts", v.State, v.FinalStatus, len(v.Attempts))
	}
	if !strings.Contains(v.Diagnostics, "failed 2 times") || !strings.Contains(v.Diagnostics, "exitCode: 3") {
		t.Fatalf("diagnostics %q", v.Diagnostics)
	}
	if _, used := h.c.Cluster(); !used.IsZero() {
		t.Fatalf("resources still allocated: %s", used)
	}
}

func containsID(ids []api.ContainerID, id api.ContainerID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestLostNodeReportsContainersLost(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *scheduler.Config) { c.NodeExpiry = 10 * time.Second })
	n1 := h.addNode(1, 2048, 2)
	n2 := h.addNode(2, 2048, 2)
	h.submit("alice")
	l := h.startAM()
	a := h.am(l.Attempt)
	got := a.allocate(ask(2, 1024)).Allocated
	if len(got) != 2 {
		t.Fatalf("allocated %d", len(got))
	}
	var onOther []api.ContainerID
	other := n2
	if l.Container.NodeID == n2 {
		other = n1
	}
	for _, ct := range got {
		if ct.NodeID == other {
			onOther = append(onOther, ct.ID)
		}
		h.heartbeat(ct.NodeID, running(ct.ID))
	}
	if len(onOther) == 0 {
		t.Fatalf("no executor on the node without the AM")
	}
	// Only the AM's node keeps heartbeating.
	for i := 0; i < 12; i++ {
		h.advance(time.Second)
		h.heartbeat(l.Container.NodeID)
	}
	nv, _ := h.c.Node(other)
	if nv.State != api.NodeLost {
		t.Fatalf("silent node is %s, want LOST", nv.State)
	}
	resp := a.allocate(nil)
	lost := 0
	for _, st := range resp.Completed {
		if containsID(onOther, st.ContainerID) {
			lost++
			if st.ExitStatus != api.ExitAborted || !strings.Contains(st.Diagnostics, "*lost* node") {
				t.Fatalf("lost container status %+v", st)
			}
		}
	}
	if lost != len(onOther) {
		t.Fatalf("AM told of %d lost containers, want %d", lost, len(onOther))
	}
	if len(resp.UpdatedNodes) != 1 || resp.UpdatedNodes[0].State != api.NodeLost {
		t.Fatalf("updated nodes %+v", resp.UpdatedNodes)
	}
	// A heartbeat from the lost node is refused; re-registering brings it
	// back cleanly and its stale container is stopped.
	if _, err := h.c.NodeHeartbeat(rpc.NodeHeartbeatRequest{NodeID: other}); !errors.Is(err, ErrNotRegistered) {
		t.Fatalf("heartbeat from lost node: %v", err)
	}
	_, err := h.c.RegisterNode(rpc.RegisterNodeRequest{NodeID: other, HTTPAddress: "x:1", Total: api.Res(2048, 2),
		Health: rpc.NodeHealth{Healthy: true}, Containers: []rpc.ContainerStatus{running(onOther[0])}})
	if err != nil {
		t.Fatal(err)
	}
	h.nodeResp[other] = 0
	hb := h.heartbeat(other)
	if !containsID(hb.ContainersToCleanup, onOther[0]) {
		t.Fatalf("stale container of the returning node not cleaned up: %+v", hb)
	}
	if nv, _ := h.c.Node(other); nv.State != api.NodeRunning || !nv.Used.IsZero() {
		t.Fatalf("returned node %s with %s used", nv.State, nv.Used)
	}
}

func TestAMExpiry(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *scheduler.Config) { c.AMExpiry = 5 * time.Second; c.MaxAttempts = 1 })
	n := h.addNode(1, 4096, 4)
	id := h.submit("alice")
	h.startAM()
	for i := 0; i < 7; i++ {
		h.advance(time.Second)
		h.heartbeat(n)
	}
	v := h.app(id)
	if v.State != api.AppFailed || !strings.Contains(v.Diagnostics, "timed out") {
		t.Fatalf("silent AM: app %s, %q", v.State, v.Diagnostics)
	}
}

func TestKill(t *testing.T) {
	h := newHarness(t)
	n := h.addNode(1, 4096, 4)
	id := h.submit("alice")
	l := h.startAM()
	exec := h.am(l.Attempt).allocate(ask(1, 1024)).Allocated
	if _, err := h.c.Kill(context.Background(), id, "mallory", false); !errors.Is(err, ErrForbidden) {
		t.Fatalf("kill by another user: %v", err)
	}
	if st := h.app(id).State; st != api.AppRunning {
		t.Fatalf("refused kill changed state to %s", st)
	}
	st, err := h.c.Kill(context.Background(), id, "root", true)
	if err != nil || st != api.AppKilled {
		t.Fatalf("admin kill: %s, %v", st, err)
	}
	v := h.app(id)
	if v.FinalStatus != api.FinalKilled || v.Attempts[0].State != api.AttemptKilled {
		t.Fatalf("killed app %s, attempt %s", v.FinalStatus, v.Attempts[0].State)
	}
	hb := h.heartbeat(n)
	if !containsID(hb.ContainersToCleanup, l.Container.ID) || !containsID(hb.ContainersToCleanup, exec[0].ID) {
		t.Fatalf("NM not told to stop the containers: %+v", hb)
	}
	if len(hb.AppsToCleanup) != 1 || hb.AppsToCleanup[0] != id {
		t.Fatalf("NM not told to clean up the app: %+v", hb.AppsToCleanup)
	}
	// Killing again is a no-op that reports the state.
	if st, err := h.c.Kill(context.Background(), id, "alice", false); err != nil || st != api.AppKilled {
		t.Fatalf("second kill: %s %v", st, err)
	}
	if _, err := h.c.Kill(context.Background(), api.ApplicationID{ClusterTimestamp: 1, Seq: 99}, "alice", false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("kill unknown: %v", err)
	}
}

func TestAllocateProtocol(t *testing.T) {
	h := newHarness(t)
	h.addNode(1, 8192, 8)
	h.submit("alice")
	l := h.startAM()
	a := h.am(l.Attempt)
	first := a.allocate(ask(2, 1024))
	// The AM lost that response and sends the same request again: it gets
	// the same containers, no more.
	again, err := h.c.Allocate(rpc.AllocateRequest{AttemptID: l.Attempt, ResponseID: first.ResponseID - 1, Asks: ask(2, 1024)})
	if err != nil || len(again.Allocated) != 2 || again.Allocated[0].ID != first.Allocated[0].ID {
		t.Fatalf("retried allocate: %+v, %v", again, err)
	}
	if _, err := h.c.Allocate(rpc.AllocateRequest{AttemptID: l.Attempt, ResponseID: 77}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad responseId: %v", err)
	}
	// Bad asks change nothing.
	before := h.app(l.Attempt.App).RunningContainers
	_, err = h.c.Allocate(rpc.AllocateRequest{AttemptID: l.Attempt, ResponseID: a.respID,
		Asks: append(ask(1, 1024), rpc.ResourceRequest{Priority: 2, ResourceName: "*", Capability: api.Res(99999, 1), NumContainers: 1})})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("oversized ask: %v", err)
	}
	if _, err := h.c.Allocate(rpc.AllocateRequest{AttemptID: l.Attempt, ResponseID: a.respID, Releases: []api.ContainerID{l.Container.ID}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("releasing the AM container: %v", err)
	}
	if after := h.app(l.Attempt.App).RunningContainers; after != before {
		t.Fatalf("refused requests changed containers %d -> %d", before, after)
	}
	// A release frees the container and reports it completed.
	resp := a.allocate(nil, first.Allocated[0].ID)
	if len(resp.Completed) != 1 || resp.Completed[0].ContainerID != first.Allocated[0].ID {
		t.Fatalf("released container not reported: %+v", resp.Completed)
	}
}

func TestSubmitValidation(t *testing.T) {
	h := newHarness(t)
	id, _ := h.c.NewApplication("alice")
	cases := []struct {
		name string
		sub  api.SubmissionContext
		want string
	}{
		{"unknown queue", api.SubmissionContext{ApplicationID: id, Queue: "nope", AMContainer: api.LaunchContext{Commands: []string{"x"}}}, "unknown queue"},
		{"no commands", api.SubmissionContext{ApplicationID: id}, "no commands"},
		{"too big", api.SubmissionContext{ApplicationID: id, AMResource: api.Res(1<<20, 1), AMContainer: api.LaunchContext{Commands: []string{"x"}}}, "maximum"},
		{"negative", api.SubmissionContext{ApplicationID: id, AMResource: api.Res(-1, 1), AMContainer: api.LaunchContext{Commands: []string{"x"}}}, "invalid resource"},
		{"no id", api.SubmissionContext{AMContainer: api.LaunchContext{Commands: []string{"x"}}}, "application-id"},
	}
	for _, c := range cases {
		err := h.c.Submit(context.Background(), c.sub, "alice")
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrInvalid mentioning %q", c.name, err, c.want)
		}
	}
	if apps := h.c.Apps(nil); len(apps) != 0 {
		t.Fatalf("refused submissions left %d apps", len(apps))
	}
	// A retried submission of the same id is accepted once.
	ok := api.SubmissionContext{ApplicationID: id, AMContainer: api.LaunchContext{Commands: []string{"x"}}}
	for i := 0; i < 2; i++ {
		if err := h.c.Submit(context.Background(), ok, "alice"); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.c.Submit(context.Background(), ok, "bob"); !errors.Is(err, ErrConflict) {
		t.Fatalf("same id by another user: %v", err)
	}
	if apps := h.c.Apps(nil); len(apps) != 1 || h.c.Metrics().AppsSubmitted != 1 {
		t.Fatalf("duplicate submission: %d apps", len(apps))
	}
}

func TestHistoryIsBounded(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *scheduler.Config) { c.MaxCompletedApps = 2 })
	var ids []api.ApplicationID
	for i := 0; i < 3; i++ {
		id := h.submit("alice")
		if _, err := h.c.Kill(context.Background(), id, "alice", false); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, ok := h.c.App(ids[0]); ok {
		t.Fatalf("oldest finished app still kept")
	}
	for _, id := range ids[1:] {
		if _, ok := h.c.App(id); !ok {
			t.Fatalf("%s forgotten too early", id)
		}
	}
}

func TestUnhealthyNodeGetsNothing(t *testing.T) {
	h := newHarness(t)
	n := h.addNode(1, 4096, 4)
	if _, err := h.c.NodeHeartbeat(rpc.NodeHeartbeatRequest{NodeID: n, Health: rpc.NodeHealth{Healthy: false, Report: "disk full"}}); err != nil {
		t.Fatal(err)
	}
	h.submit("alice")
	if got := h.launcher.take(); len(got) != 0 {
		t.Fatalf("AM placed on an unhealthy node")
	}
	if nv, _ := h.c.Node(n); nv.State != api.NodeUnhealthy || nv.HealthReport != "disk full" {
		t.Fatalf("node %s %q", nv.State, nv.HealthReport)
	}
}

func TestLaunchFailureFailsAttempt(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *scheduler.Config) { c.MaxAttempts = 1 })
	h.addNode(1, 4096, 4)
	id := h.submit("alice")
	l := h.launcher.take()[0]
	h.c.AMLaunched(l.Attempt, l.Container.ID, errors.New("connection refused"))
	v := h.app(id)
	if v.State != api.AppFailed || !strings.Contains(v.Diagnostics, "connection refused") {
		t.Fatalf("app %s %q", v.State, v.Diagnostics)
	}
}

// Only an application submitted by the user its id was issued to has its
// staging directory cleaned up when it ends: submitting another's guessed
// id gets nobody's files deleted.
func TestStagingCleanUpOnlyForTheIssuedUser(t *testing.T) {
	h := newHarness(t)
	own := h.submit("alice")
	guessed, _ := h.c.NewApplication("bob") // bob's, taken by mallory
	if err := h.c.Submit(context.Background(), api.SubmissionContext{ApplicationID: guessed, Name: "t", AMResource: api.Res(1024, 1),
		AMContainer: api.LaunchContext{Commands: []string{"./am"}}}, "mallory"); err != nil {
		t.Fatal(err)
	}
	never := api.ApplicationID{ClusterTimestamp: t0.UnixMilli(), Seq: 99} // never issued
	if err := h.c.Submit(context.Background(), api.SubmissionContext{ApplicationID: never, Name: "t", AMResource: api.Res(1024, 1),
		AMContainer: api.LaunchContext{Commands: []string{"./am"}}}, "mallory"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []api.ApplicationID{own, guessed, never} {
		if _, err := h.c.Kill(context.Background(), id, "", true); err != nil {
			t.Fatalf("kill %s: %v", id, err)
		}
	}
	if len(h.finished) != 1 || h.finished[0] != own {
		t.Fatalf("staging clean-up told of %v, want only %s", h.finished, own)
	}
}
