package scheduler

import (
	"testing"

	"github.com/goyarn/goyarn/api"
)

// amSched: one leaf "default" on one 10 GB/10 vcore node, AM share pct.
func amSched(t *testing.T, pct float64) *Scheduler {
	c := DefaultConfig()
	c.MaxAMResourcePercent = pct
	s := mustNew(t, c)
	mustNil(t, s.AddNode(nodeID(0), api.Res(10240, 10)))
	return s
}

func TestAMShareLimit(t *testing.T) {
	cases := []struct {
		name  string
		pct   float64
		amMB  []int64 // AM demand per app, in FIFO order
		wantN int     // AMs placed
	}{
		{"10%: one 1 GB AM", 0.1, []int64{1024, 1024, 1024}, 1},
		{"20%: two 1 GB AMs", 0.2, []int64{1024, 1024, 1024}, 2},
		{"at least one AM even above the limit", 0.1, []int64{4096, 1024}, 1},
		{"50%: 2+2 GB, then the 2 GB blocks", 0.5, []int64{2048, 2048, 2048, 1024}, 2},
		{"FIFO: a blocked big AM blocks a small one behind it", 0.3, []int64{1024, 4096, 1024}, 1},
		{"all fit", 1, []int64{1024, 2048, 3072}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := amSched(t, tc.pct)
			for i, mb := range tc.amMB {
				addApp(t, s, i+1, "default", 0)
				mustNil(t, s.SetAMDemand(appID(i+1), api.Res(mb, 1)))
			}
			ps := s.Schedule(t0)
			if len(ps) != tc.wantN {
				t.Fatalf("placed %d AMs, want %d: %v", len(ps), tc.wantN, ps)
			}
			for i, p := range ps {
				if !p.AM || p.App != appID(i+1) || p.Priority != 0 {
					t.Errorf("placement %d: %+v (AMs must go in FIFO order)", i, p)
				}
			}
			qi := queueInfo(t, s, "root.default")
			if qi.AppsActive != tc.wantN || qi.AppsPending != len(tc.amMB)-tc.wantN {
				t.Errorf("active %d pending %d", qi.AppsActive, qi.AppsPending)
			}
			if root := s.Queues()[0]; root.AppsActive != qi.AppsActive || root.AMUsed != qi.AMUsed {
				t.Errorf("root does not aggregate its leaves: %+v", root)
			}
		})
	}
}

func TestAMBlockedExecutorsStillServed(t *testing.T) {
	s := amSched(t, 0.1) // AM limit 1 GB
	addApp(t, s, 1, "default", 0)
	addApp(t, s, 2, "default", 0)
	mustNil(t, s.SetAMDemand(appID(1), api.Res(1024, 1)))
	mustNil(t, s.SetAMDemand(appID(2), api.Res(1024, 1)))
	// App 2's executor asks wait for its AM.
	mustNil(t, s.SetAsk(appID(2), 1, api.Res(1024, 1), 2))
	ps := s.Schedule(t0)
	if len(ps) != 1 || !ps[0].AM || ps[0].App != appID(1) {
		t.Fatalf("placements %v", ps)
	}
	// App 1's AM runs; its executors are served while app 2's AM stays blocked.
	mustNil(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), 3))
	got := perApp(s.Schedule(t0))
	if got[1] != 3 || got[2] != 0 {
		t.Fatalf("got %v, want app 1: 3 executors, app 2 nothing", got)
	}
	// App 1's AM ends: app 2's AM starts, then its executors, in one pass.
	s.Release(Placement{App: appID(1), Node: nodeID(0), Resource: api.Res(1024, 1), AM: true})
	ps = s.Schedule(t0)
	if len(ps) != 3 || !ps[0].AM || ps[0].App != appID(2) || ps[1].AM || ps[2].App != appID(2) {
		t.Fatalf("placements %v", ps)
	}
	qi := queueInfo(t, s, "root.default")
	if qi.AMUsed != api.Res(1024, 1) || qi.AMLimit.MemoryMB != 1024 || qi.AppsPending != 0 || qi.AppsActive != 2 {
		t.Fatalf("queue %+v", qi)
	}
}

func TestAMDemandCleared(t *testing.T) {
	s := amSched(t, 0.1)
	addApp(t, s, 1, "default", 0)
	mustNil(t, s.SetAMDemand(appID(1), api.Res(1024, 1)))
	if _, n, r := s.AppUsage(appID(1)); n != 1 || r != api.Res(1024, 1) {
		t.Fatalf("pending %d %v", n, r)
	}
	mustNil(t, s.SetAMDemand(appID(1), api.Resource{}))
	if ps := s.Schedule(t0); len(ps) != 0 {
		t.Fatalf("placed %v", ps)
	}
	if qi := queueInfo(t, s, "root.default"); qi.AppsPending != 0 {
		t.Fatalf("queue %+v", qi)
	}
}
