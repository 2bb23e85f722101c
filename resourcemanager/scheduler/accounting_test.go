package scheduler

import (
	"testing"

	"github.com/goyarn/goyarn/api"
)

type usage struct {
	clusterUsed, nodeUsed, appUsed, queueUsed api.Resource
	nodeContainers, queueContainers           int
}

func usageOf(t *testing.T, s *Scheduler, app int, n api.NodeID, q string) usage {
	t.Helper()
	_, cu := s.Cluster()
	_, nu, nc, _ := s.NodeUsage(n)
	au, _, _ := s.AppUsage(appID(app))
	qi := queueInfo(t, s, q)
	return usage{cu, nu, au, qi.Used, nc, qi.Containers}
}

func TestReleaseAndAllocate(t *testing.T) {
	s := twoQueues(t, 50, 0, 50, 0)
	addApp(t, s, 1, "a", 0)
	mustNil(t, s.SetAMDemand(appID(1), api.Res(2048, 1)))
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 2))
	ps := s.Schedule(t0)
	if len(ps) != 3 {
		t.Fatalf("placements %v", ps)
	}
	am := ps[0]
	got := usageOf(t, s, 1, am.Node, "root.a")
	if got.appUsed != api.Res(4096, 3) || got.queueUsed != got.appUsed || got.clusterUsed != got.appUsed || got.queueContainers != 3 {
		t.Fatalf("after schedule %+v", got)
	}
	for _, p := range ps {
		s.Release(p)
	}
	if got := usageOf(t, s, 1, am.Node, "root.a"); got != (usage{}) {
		t.Fatalf("after release %+v", got)
	}
	if qi := queueInfo(t, s, "root.a"); !qi.AMUsed.IsZero() {
		t.Fatalf("AM usage not released: %+v", qi)
	}

	// Recovery: an NM reports running containers.
	n := nodeID(3)
	mustNil(t, s.SetAMDemand(appID(1), api.Res(1024, 1)))
	if _, pend, _ := s.AppUsage(appID(1)); pend != 1 {
		t.Fatalf("pending %d", pend)
	}
	mustNil(t, s.Allocate(Placement{App: appID(1), Node: n, Resource: api.Res(1024, 1), AM: true}))
	mustNil(t, s.Allocate(Placement{App: appID(1), Node: n, Resource: api.Res(8192, 8)}))
	if _, pend, _ := s.AppUsage(appID(1)); pend != 0 {
		t.Fatalf("a recovered AM must satisfy the AM demand: %d pending", pend)
	}
	got = usageOf(t, s, 1, n, "root.a")
	want := usage{api.Res(9216, 9), api.Res(9216, 9), api.Res(9216, 9), api.Res(9216, 9), 2, 2}
	if got != want {
		t.Fatalf("after allocate %+v, want %+v", got, want)
	}
	wantErr(t, s.Allocate(Placement{App: appID(1), Node: n, Resource: api.Res(2048, 1)}), ErrNodeFull)
	wantErr(t, s.Allocate(Placement{App: appID(1), Node: nodeID(99), Resource: api.Res(1024, 1)}), ErrUnknownNode)
	wantErr(t, s.Allocate(Placement{App: appID(99), Node: n, Resource: api.Res(1024, 1)}), ErrUnknownApp)
	wantErr(t, s.Allocate(Placement{App: appID(1), Node: n, Resource: api.Resource{}}), ErrInvalidResource)
	if got2 := usageOf(t, s, 1, n, "root.a"); got2 != want {
		t.Fatalf("refused allocations changed accounting: %+v", got2)
	}
	// The rest of the node is still usable: exactly one 1 GB container.
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 0))
	addApp(t, s, 2, "b", 0)
	mustNil(t, s.SetAsk(appID(2), 1, api.Res(1024, 1), 200))
	ps = s.Schedule(t0)
	if pn := perNode(ps); pn[n] != 1 || len(ps) != 100-9 {
		t.Fatalf("node 3 got %d, total %d", pn[n], len(ps))
	}
}

func TestAllocateMayExceedQueueMax(t *testing.T) {
	s := twoQueues(t, 50, 50, 50, 0)
	addApp(t, s, 1, "a", 0)
	for i := range 6 {
		mustNil(t, s.Allocate(Placement{App: appID(1), Node: nodeID(i), Resource: api.Res(10240, 10)}))
	}
	if qi := queueInfo(t, s, "root.a"); qi.Used.MemoryMB != 60*1024 || !near(qi.UsedCapacity, 120) {
		t.Fatalf("root.a %+v", qi)
	}
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 1))
	if ps := s.Schedule(t0); len(ps) != 0 {
		t.Fatalf("queue over its max got %v", ps)
	}
	if h := s.Headroom(appID(1)); !h.IsZero() {
		t.Fatalf("headroom %v", h)
	}
}

func TestRemoveNode(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	addNodes(t, s, 2, api.Res(4096, 4))
	addApp(t, s, 1, "default", 0)
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 4))
	ps := s.Schedule(t0)
	s.RemoveNode(nodeID(0))
	total, used := s.Cluster()
	if total != api.Res(4096, 4) || used != api.Res(2048, 2) {
		t.Fatalf("cluster %v %v", total, used)
	}
	if qi := queueInfo(t, s, "root.default"); qi.Used != api.Res(4096, 4) || qi.Guaranteed != api.Res(4096, 4) {
		t.Fatalf("containers on the lost node stay accounted until released: %+v", qi)
	}
	for _, p := range ps {
		if p.Node == nodeID(0) {
			s.Release(p) // node gone: frees app and queue only
		}
	}
	if qi := queueInfo(t, s, "root.default"); qi.Used != api.Res(2048, 2) {
		t.Fatalf("queue %+v", qi)
	}
	if _, used := s.Cluster(); used != api.Res(2048, 2) {
		t.Fatalf("cluster used %v", used)
	}
	// A new node reuses the slot and is empty.
	mustNil(t, s.AddNode(nodeID(5), api.Res(4096, 4)))
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 10))
	if pn := perNode(s.Schedule(t0)); pn[nodeID(5)] != 4 || pn[nodeID(1)] != 2 {
		t.Fatalf("placements %v", pn)
	}
}

func TestUpdateNodeShrinkAndGrow(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	addNodes(t, s, 1, api.Res(4096, 4))
	addApp(t, s, 1, "default", 0)
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 3))
	ps := s.Schedule(t0)
	mustNil(t, s.UpdateNode(nodeID(0), api.Res(2048, 2))) // now over-committed
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 1))
	if more := s.Schedule(t0); len(more) != 0 {
		t.Fatalf("over-committed node got %v", more)
	}
	s.Release(ps[0])
	s.Release(ps[1])
	if more := s.Schedule(t0); len(more) != 1 {
		t.Fatalf("placements %v", more)
	}
	mustNil(t, s.UpdateNode(nodeID(0), api.Res(8192, 8)))
	if qi := queueInfo(t, s, "root.default"); qi.Guaranteed != api.Res(8192, 8) {
		t.Fatalf("limits not recomputed: %+v", qi)
	}
}

func TestRemoveAppKeepsUsageUntilReleased(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	addNodes(t, s, 1, api.Res(8192, 8))
	addApp(t, s, 1, "default", 0)
	mustNil(t, s.SetAMDemand(appID(1), api.Res(1024, 1)))
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 10))
	ps := s.Schedule(t0)
	if len(ps) != 8 {
		t.Fatalf("placements %d", len(ps))
	}
	s.RemoveApp(appID(1))
	qi := queueInfo(t, s, "root.default")
	if qi.Used != api.Res(8192, 8) || qi.AppsActive+qi.AppsPending != 0 {
		t.Fatalf("queue %+v", qi)
	}
	wantErr(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 1), ErrUnknownApp)
	wantErr(t, s.AddApp(AppSpec{ID: appID(1)}), ErrDuplicate) // still accounted
	if h := s.Headroom(appID(1)); !h.IsZero() {
		t.Fatalf("headroom of a removed app %v", h)
	}
	for _, p := range ps {
		s.Release(p)
	}
	if qi := queueInfo(t, s, "root.default"); !qi.Used.IsZero() || !qi.AMUsed.IsZero() || qi.Containers != 0 {
		t.Fatalf("queue %+v", qi)
	}
	mustNil(t, s.AddApp(AppSpec{ID: appID(1)})) // forgotten once drained
	s.RemoveApp(appID(1))
	s.RemoveApp(appID(1)) // idempotent
	if len(s.apps) != 0 {
		t.Fatalf("apps left: %d", len(s.apps))
	}
}

func TestHeadroom(t *testing.T) {
	s := twoQueues(t, 30, 50, 70, 0)
	addApp(t, s, 1, "a", 0)
	addApp(t, s, 2, "b", 0)
	if h := s.Headroom(appID(1)); h != api.Res(51200, 50) {
		t.Fatalf("a headroom %v, want its max", h)
	}
	mustNil(t, s.SetAsk(appID(2), 1, api.Res(1024, 1), 80))
	s.Schedule(t0)
	if h := s.Headroom(appID(1)); h != api.Res(20*1024, 20) {
		t.Fatalf("a headroom %v, want what is free", h)
	}
	if h := s.Headroom(appID(99)); !h.IsZero() {
		t.Fatalf("unknown app headroom %v", h)
	}
}
