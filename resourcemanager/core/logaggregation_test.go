package core

import (
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

func TestCombineLogAggregation(t *testing.T) {
	const (
		dis = api.LogAggDisabled
		ns  = api.LogAggNotStart
		run = api.LogAggRunning
		rwf = api.LogAggRunningWithFailure
		ok  = api.LogAggSucceeded
		bad = api.LogAggFailed
		to  = api.LogAggTimeOut
	)
	type S = []api.LogAggregationStatus
	for _, c := range []struct {
		name     string
		enabled  bool
		nodes    S
		finished bool
		since    time.Duration
		want     api.LogAggregationStatus
	}{
		{"off, nobody reported", false, nil, true, 0, dis},
		{"on, no node yet", true, nil, false, 0, ns},
		{"all not started", true, S{ns, ns}, false, 0, ns},
		{"one running", true, S{ns, run}, true, 0, run},
		{"one done, one running", true, S{ok, run}, true, 0, run},
		{"retrying", true, S{ok, rwf}, true, 0, rwf},
		{"one failed, one running", true, S{bad, run}, true, 0, rwf},
		{"all succeeded", true, S{ok, ok}, true, 0, ok},
		{"one failed", true, S{ok, bad}, true, 0, bad},
		{"failed beats timed out", true, S{to, bad}, true, 0, bad},
		{"timed out", true, S{ok, to}, true, 0, to},
		{"late node times out", true, S{ok, run}, true, 11 * time.Minute, to},
		{"not started times out", true, S{ns}, true, 11 * time.Minute, to},
		{"running app never times out", true, S{run}, false, time.Hour, run},
		{"off but a node reported", false, S{ok}, true, 0, ok},
	} {
		if got := CombineLogAggregation(c.enabled, c.nodes, c.finished, c.since, 10*time.Minute); got != c.want {
			t.Errorf("%s: %v → %s, want %s", c.name, c.nodes, got, c.want)
		}
	}
}

// The NMs' reports become the application's status: NOT_START for a node
// that ran a container, then what each node says; a node that re-registers
// (after a failover) reports again.
func TestLogAggregationStatusFromNodeReports(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *scheduler.Config) { c.LogAggregation = true })
	n := h.addNode(1, 8192, 8)
	id := h.submit("alice")
	h.heartbeat(n)
	l := h.startAM()
	h.heartbeat(n, running(l.Container.ID))
	if s := h.app(id).LogAggregation; s != api.LogAggNotStart {
		t.Fatalf("running app: %s, want NOT_START", s)
	}
	report := func(s api.LogAggregationStatus) {
		t.Helper()
		resp, err := h.c.NodeHeartbeat(rpc.NodeHeartbeatRequest{NodeID: n, ResponseID: h.nodeResp[n], Health: rpc.NodeHealth{Healthy: true},
			LogAggregationReports: []rpc.LogAggregationReport{{ApplicationID: id, Status: s}}})
		if err != nil {
			t.Fatal(err)
		}
		h.nodeResp[n] = resp.ResponseID
	}
	report(api.LogAggRunning)
	if s := h.app(id).LogAggregation; s != api.LogAggRunning {
		t.Fatalf("got %s, want RUNNING", s)
	}
	report(api.LogAggSucceeded)
	v := h.app(id)
	if v.LogAggregation != api.LogAggSucceeded || len(v.LogAggregationNodes) != 1 || v.LogAggregationNodes[0].Node != n {
		t.Fatalf("got %s %+v", v.LogAggregation, v.LogAggregationNodes)
	}
	// A re-registration carries the reports too.
	if _, err := h.c.RegisterNode(rpc.RegisterNodeRequest{NodeID: nodeN(2), HTTPAddress: "127.0.0.1:8043", Total: api.Res(1024, 1),
		Health: rpc.NodeHealth{Healthy: true}, LogAggregationReports: []rpc.LogAggregationReport{{ApplicationID: id, Status: api.LogAggFailed}}}); err != nil {
		t.Fatal(err)
	}
	if s := h.app(id).LogAggregation; s != api.LogAggFailed {
		t.Fatalf("after node 2 reported FAILED: %s", s)
	}
}
