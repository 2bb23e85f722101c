package scheduler

import (
	"slices"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
)

func TestPlacementSpreadsAndFits(t *testing.T) {
	cases := []struct {
		name      string
		nodes     int
		node, ask api.Resource
		count     int
		wantPer   []int // containers per node, in node order
	}{
		{"4 on 2 equal nodes spread", 2, api.Res(8192, 8), api.Res(1024, 1), 4, []int{2, 2}},
		{"6 on 3 nodes spread", 3, api.Res(8192, 8), api.Res(1024, 1), 6, []int{2, 2, 2}},
		{"memory bound", 1, api.Res(4096, 8), api.Res(2048, 1), 3, []int{2}},
		{"vcore bound", 2, api.Res(8192, 2), api.Res(1024, 1), 10, []int{2, 2}},
		{"rounded up ask", 1, api.Res(4096, 8), api.Res(1500, 1), 3, []int{2}},
		{"too big for any node", 2, api.Res(4096, 8), api.Res(8192, 1), 1, []int{0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, DefaultConfig())
			addNodes(t, s, tc.nodes, tc.node)
			addApp(t, s, 1, "default", 0)
			mustNil(t, s.SetAsk(appID(1), 1, tc.ask, tc.count))
			ps := s.Schedule(t0)
			pn := perNode(ps)
			placed := 0
			for i, w := range tc.wantPer {
				if pn[nodeID(i)] != w {
					t.Errorf("node %d got %d containers, want %d (%v)", i, pn[nodeID(i)], w, pn)
				}
				placed += w
			}
			used, pendingN, _ := s.AppUsage(appID(1))
			if pendingN != tc.count-placed {
				t.Errorf("pending %d, want %d", pendingN, tc.count-placed)
			}
			norm, _ := s.Normalize(tc.ask)
			if used != norm.Mul(int64(placed)) {
				t.Errorf("app used %v", used)
			}
			for _, p := range ps {
				if p.Resource != norm || p.Priority != 1 || p.AM || p.App != appID(1) {
					t.Errorf("placement %+v", p)
				}
			}
			// Nothing more fits: a second pass places nothing.
			if more := s.Schedule(t0); len(more) != 0 {
				t.Errorf("second pass placed %d", len(more))
			}
		})
	}
}

// twoQueues: a and b under root with the given capacities and maxima, on a
// cluster of 10 nodes × 10 GB/10 vcores (100 GB).
func twoQueues(t *testing.T, ca, ma, cb, mb float64) *Scheduler {
	s := mustNew(t, tree(QueueConfig{Name: "a", Capacity: ca, MaxCapacity: ma}, QueueConfig{Name: "b", Capacity: cb, MaxCapacity: mb}))
	addNodes(t, s, 10, api.Res(10240, 10))
	return s
}

func TestQueueCapacityElasticityAndMax(t *testing.T) {
	cases := []struct {
		name           string
		ca, ma, cb, mb float64
		askA, askB     int
		wantA, wantB   int
	}{
		{"both busy: guaranteed shares", 50, 0, 50, 0, 100, 100, 50, 50},
		{"both busy: 30/70", 30, 0, 70, 0, 100, 100, 30, 70},
		{"idle sibling: elastic to 100", 30, 0, 70, 0, 100, 0, 100, 0},
		{"idle sibling: capped by max", 30, 40, 70, 0, 100, 0, 40, 0},
		{"b capped, a takes the rest", 50, 0, 50, 60, 0, 100, 0, 60},
		{"a small demand, b elastic", 50, 0, 50, 0, 10, 100, 10, 90},
		{"zero capacity queue only gets what is free", 0, 100, 100, 0, 100, 70, 30, 70},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := twoQueues(t, tc.ca, tc.ma, tc.cb, tc.mb)
			addApp(t, s, 1, "a", 0)
			addApp(t, s, 2, "b", 0)
			mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), tc.askA))
			mustNil(t, s.SetAsk(appID(2), 1, api.Res(1024, 1), tc.askB))
			got := perApp(s.Schedule(t0))
			if got[1] != tc.wantA || got[2] != tc.wantB {
				t.Errorf("a got %d, b got %d; want %d, %d", got[1], got[2], tc.wantA, tc.wantB)
			}
		})
	}
}

func TestParentMaxBoundsChildren(t *testing.T) {
	s := mustNew(t, tree(
		QueueConfig{Name: "p", Capacity: 50, MaxCapacity: 60, Queues: []QueueConfig{
			{Name: "p1", Capacity: 50}, {Name: "p2", Capacity: 50},
		}},
		QueueConfig{Name: "q", Capacity: 50},
	))
	addNodes(t, s, 10, api.Res(10240, 10))
	addApp(t, s, 1, "p1", 0)
	addApp(t, s, 2, "p2", 0)
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 100))
	mustNil(t, s.SetAsk(appID(2), 1, api.Res(1024, 1), 100))
	got := perApp(s.Schedule(t0))
	if got[1]+got[2] != 60 || got[1] != 30 {
		t.Fatalf("p1 %d + p2 %d, want 30 + 30 (parent max 60%%)", got[1], got[2])
	}
	if qi := queueInfo(t, s, "root.p"); qi.Used != api.Res(60*1024, 60) || qi.Containers != 60 {
		t.Fatalf("root.p %+v", qi)
	}
}

func TestOrderBetweenQueuesByUsedRatio(t *testing.T) {
	s := mustNew(t, tree(QueueConfig{Name: "a", Capacity: 50}, QueueConfig{Name: "b", Capacity: 50}))
	addNodes(t, s, 1, api.Res(4096, 4)) // each queue is guaranteed 2 GB
	addApp(t, s, 1, "a", 0)
	addApp(t, s, 2, "b", 0)
	// Tie at zero usage: the lower name goes first.
	if got := s.Queues()[0].Children; !slices.Equal(got, []string{"root.a", "root.b"}) {
		t.Fatalf("children order %v", got)
	}
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 2))
	if got := perApp(s.Schedule(t0)); got[1] != 2 {
		t.Fatalf("a got %v", got)
	}
	// a is at 100% of its guarantee, b at 0%: b is offered the remaining room first.
	if got := s.Queues()[0].Children; !slices.Equal(got, []string{"root.b", "root.a"}) {
		t.Fatalf("children order %v", got)
	}
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 5))
	mustNil(t, s.SetAsk(appID(2), 1, api.Res(1024, 1), 5))
	ps := s.Schedule(t0)
	if got := perApp(ps); got[2] != 2 || got[1] != 0 {
		t.Fatalf("got %v, want b 2, a 0", got)
	}
	qi := queueInfo(t, s, "root.a")
	if !near(qi.UsedCapacity, 100) || !near(qi.AbsoluteUsedCapacity, 50) {
		t.Fatalf("root.a %+v", qi)
	}
}

func TestFIFOWithinLeaf(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	addNodes(t, s, 1, api.Res(7*1024, 7))
	apps := []AppSpec{
		{ID: appID(1), Priority: 0, SubmitTime: t0.Add(2 * time.Second)},
		{ID: appID(2), Priority: 5, SubmitTime: t0.Add(3 * time.Second)},
		{ID: appID(3), Priority: 0, SubmitTime: t0.Add(1 * time.Second)},
		{ID: appID(4), Priority: 0, SubmitTime: t0.Add(1 * time.Second)},
		{ID: appID(5), Priority: -1, SubmitTime: t0},
	}
	for _, a := range apps {
		mustNil(t, s.AddApp(a))
		mustNil(t, s.SetAsk(a.ID, 1, api.Res(1024, 1), 2))
	}
	var order []int32
	for _, p := range s.Schedule(t0) {
		order = append(order, p.App.Seq)
	}
	// priority 5 first; then by submit time; equal submit times by id; 7 slots.
	if want := []int32{2, 2, 3, 3, 4, 4, 1}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestAskPriorityWithinApp(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	addNodes(t, s, 1, api.Res(8192, 8))
	addApp(t, s, 1, "default", 0)
	mustNil(t, s.SetAsk(appID(1), 3, api.Res(1024, 1), 1))
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(2048, 1), 2))
	mustNil(t, s.SetAsk(appID(1), 2, api.Res(1024, 1), 1))
	mustNil(t, s.SetAsk(appID(1), 2, api.Res(1000, 1), 3)) // same normalized key: replaces the count
	mustNil(t, s.SetAsk(appID(1), 0, api.Res(1024, 1), 4))
	mustNil(t, s.SetAsk(appID(1), 0, api.Res(1024, 1), 0)) // 0 removes the ask
	if _, n, pend := s.AppUsage(appID(1)); n != 6 || pend != api.Res(8*1024, 6) {
		t.Fatalf("pending %d %v", n, pend)
	}
	var prios []int32
	for _, p := range s.Schedule(t0) {
		prios = append(prios, p.Priority)
	}
	if want := []int32{1, 1, 2, 2, 2, 3}; !slices.Equal(prios, want) {
		t.Fatalf("priorities %v, want %v", prios, want)
	}
	if _, n, _ := s.AppUsage(appID(1)); n != 0 {
		t.Fatalf("pending %d", n)
	}
}

func TestUnschedulableNodes(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	addNodes(t, s, 2, api.Res(4096, 4))
	addApp(t, s, 1, "default", 0)
	s.SetSchedulable(nodeID(0), false)
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 6))
	ps := s.Schedule(t0)
	if pn := perNode(ps); pn[nodeID(0)] != 0 || pn[nodeID(1)] != 4 {
		t.Fatalf("placements %v", pn)
	}
	if h := s.Headroom(appID(1)); !h.IsZero() {
		t.Fatalf("headroom %v with the only schedulable node full", h)
	}
	s.SetSchedulable(nodeID(0), true)
	if pn := perNode(s.Schedule(t0)); pn[nodeID(0)] != 2 {
		t.Fatalf("placements after re-enable %v", pn)
	}
}

func TestScheduleWithoutDemandOrNodes(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	addApp(t, s, 1, "default", 0)
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 3))
	if ps := s.Schedule(t0); len(ps) != 0 {
		t.Fatalf("placed %v with no nodes", ps)
	}
	addNodes(t, s, 1, api.Res(1024, 1))
	if ps := s.Schedule(t0); len(ps) != 1 {
		t.Fatalf("placed %v", ps)
	}
	s.RemoveApp(appID(1))
	mustNil(t, s.AddNode(nodeID(9), api.Res(8192, 8)))
	if ps := s.Schedule(t0); len(ps) != 0 {
		t.Fatalf("placed %v for a removed app", ps)
	}
}
