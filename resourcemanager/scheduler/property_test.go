package scheduler

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/goyarn/goyarn/api"
)

// randomConfig: root → p (capacity x) with leaves p1, p2, and leaf q; random
// maxima and AM shares.
func randomConfig(r *rand.Rand) Config {
	pc := float64(10 * (1 + r.IntN(9)))
	p1 := float64(10 * r.IntN(11))
	maxc := func(c float64) float64 {
		if r.IntN(2) == 0 {
			return 0
		}
		return c + float64(r.IntN(int(101-c)))
	}
	c := tree(
		QueueConfig{Name: "p", Capacity: pc, MaxCapacity: maxc(pc), Queues: []QueueConfig{
			{Name: "p1", Capacity: p1, MaxCapacity: maxc(p1), MaxAMResourcePercent: float64(r.IntN(5)) / 10},
			{Name: "p2", Capacity: 100 - p1, MaxCapacity: maxc(100 - p1)},
		}},
		QueueConfig{Name: "q", Capacity: 100 - pc, MaxCapacity: maxc(100 - pc)},
	)
	c.MaxAMResourcePercent = 0.05 + r.Float64()*0.5
	return c
}

var leaves = []string{"p1", "p2", "q"}

func TestPropertyRandomized(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 50
	}
	for seed := range seeds {
		runProperty(t, uint64(seed))
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
}

func runProperty(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 42))
	s := mustNew(t, randomConfig(r))
	var live []Placement
	nextNode, nextApp := 0, 0
	addNode := func() {
		mustNil(t, s.AddNode(nodeID(nextNode), api.Res(int64(1+r.IntN(16))*1024, int64(1+r.IntN(16)))))
		nextNode++
	}
	for range 3 + r.IntN(8) {
		addNode()
	}
	randomRes := func() api.Resource { return api.Res(int64(1+r.IntN(6000)), int64(r.IntN(5))) }
	for step := range 80 {
		switch op := r.IntN(20); {
		case op < 3: // new app, maybe with an AM demand
			nextApp++
			addApp(t, s, nextApp, leaves[r.IntN(len(leaves))], int32(r.IntN(3)))
			if r.IntN(3) > 0 {
				mustNil(t, s.SetAMDemand(appID(nextApp), randomRes()))
			}
		case op < 8 && nextApp > 0: // asks
			if err := s.SetAsk(appID(1+r.IntN(nextApp)), int32(r.IntN(3)), randomRes(), r.IntN(20)); err != nil && !isUnknownApp(err) {
				t.Fatalf("SetAsk: %v", err)
			}
		case op < 10 && len(live) > 0: // containers end
			for range 1 + r.IntN(len(live)) {
				i := r.IntN(len(live))
				s.Release(live[i])
				live[i] = live[len(live)-1]
				live = live[:len(live)-1]
			}
		case op == 10:
			addNode()
		case op == 11 && nextNode > 0: // node lost: its containers are released
			id := nodeID(r.IntN(nextNode))
			s.RemoveNode(id)
			kept := live[:0]
			for _, p := range live {
				if p.Node == id {
					s.Release(p)
				} else {
					kept = append(kept, p)
				}
			}
			live = kept
		case op == 12 && nextNode > 0:
			s.SetSchedulable(nodeID(r.IntN(nextNode)), r.IntN(2) == 0)
		case op == 13 && nextNode > 0: // node grows
			id := nodeID(r.IntN(nextNode))
			if total, _, _, ok := s.NodeUsage(id); ok {
				mustNil(t, s.UpdateNode(id, total.Add(api.Res(1024, 1))))
			}
		case op == 14 && nextApp > 0:
			s.RemoveApp(appID(1 + r.IntN(nextApp)))
		default:
			before := snapshotQueues(s)
			ps := s.Schedule(t0)
			checkPlacements(t, s, ps, before)
			live = append(live, ps...)
			checkComplete(t, s)
		}
		checkConsistent(t, s, live)
		if t.Failed() {
			t.Fatalf("seed %d step %d", seed, step)
		}
	}
}

func isUnknownApp(err error) bool { return err != nil && errors.Is(err, ErrUnknownApp) }

type qsnap struct{ used, amUsed api.Resource }

func snapshotQueues(s *Scheduler) map[*queue]qsnap {
	m := map[*queue]qsnap{}
	for _, q := range s.queues {
		m[q] = qsnap{q.used, q.amUsed}
	}
	return m
}

// checkPlacements: nothing over-commits a node, lands on an unschedulable
// node, or pushes a queue past its maximum or a leaf past its AM limit (beyond
// the one AM always allowed).
func checkPlacements(t *testing.T, s *Scheduler, ps []Placement, before map[*queue]qsnap) {
	t.Helper()
	for _, p := range ps {
		n := s.nodes[p.Node]
		if n == nil || !n.schedulable {
			t.Errorf("placement %+v on an unknown or unschedulable node", p)
		}
		if norm, err := s.Normalize(p.Resource); err != nil || norm != p.Resource {
			t.Errorf("placement %+v not normalized", p)
		}
		if !p.AM {
			continue
		}
		// AMs are admitted in FIFO order: nothing ahead still waits for its AM.
		a := s.apps[p.App]
		for _, b := range a.queue.apps {
			if b == a {
				break
			}
			if !b.am.IsZero() {
				t.Errorf("AM of %s placed while %s, ahead in FIFO, still waits for its AM", a.id, b.id)
			}
		}
	}
	for _, n := range s.nodes {
		if n.schedulable && !n.used.Fits(n.total) && len(ps) > 0 {
			for _, p := range ps {
				if p.Node == n.id {
					t.Errorf("node %s over-committed: used %v of %v", n.id, n.used, n.total)
				}
			}
		}
	}
	for _, q := range s.queues {
		b := before[q]
		grew := q.used != b.used
		if grew && !q.used.Fits(q.limit) {
			t.Errorf("queue %s pushed past its max: used %v, limit %v", q.path, q.used, q.limit)
		}
		if q.amUsed != b.amUsed && q.amUsed.MemoryMB > q.amLimit.MemoryMB && !(q.amCount == 1 && b.amUsed.IsZero()) {
			t.Errorf("queue %s AM used %v past limit %v (%d AMs)", q.path, q.amUsed, q.amLimit, q.amCount)
		}
	}
}

// checkComplete: after Schedule, whatever is still outstanding cannot be
// placed (queue limit, AM limit or FIFO, or no node with room).
func checkComplete(t *testing.T, s *Scheduler) {
	t.Helper()
	nodeFits := func(r api.Resource) bool {
		for _, n := range s.nodes {
			if n.schedulable && n.used.Add(r).Fits(n.total) {
				return true
			}
		}
		return false
	}
	placeable := func(q *queue, r api.Resource) bool { return fitsQueue(q, r) && nodeFits(r) }
	for _, q := range s.queues {
		headAM := true
		for _, a := range q.apps {
			if !a.am.IsZero() {
				if headAM && placeable(q, a.am) && (q.amCount == 0 || q.amUsed.MemoryMB+a.am.MemoryMB <= q.amLimit.MemoryMB) {
					t.Errorf("app %s: AM %v left pending but placeable", a.id, a.am)
				}
				headAM = false
				continue
			}
			for _, k := range a.asks {
				if placeable(q, k.res) {
					t.Errorf("app %s: ask %v ×%d left pending but placeable", a.id, k.res, k.count)
				}
			}
		}
	}
}

// checkConsistent recomputes every aggregate from the live containers.
func checkConsistent(t *testing.T, s *Scheduler, live []Placement) {
	t.Helper()
	nodeUsed := map[api.NodeID]api.Resource{}
	appUsed := map[api.ApplicationID]api.Resource{}
	queueUsed := map[*queue]api.Resource{}
	var clusterUsed, avail, total api.Resource
	for _, p := range live {
		nodeUsed[p.Node] = nodeUsed[p.Node].Add(p.Resource)
		appUsed[p.App] = appUsed[p.App].Add(p.Resource)
		for q := s.apps[p.App].queue; q != nil; q = q.parent {
			queueUsed[q] = queueUsed[q].Add(p.Resource)
		}
	}
	for id, n := range s.nodes {
		if n.used != nodeUsed[id] {
			t.Errorf("node %s used %v, want %v", id, n.used, nodeUsed[id])
		}
		clusterUsed, total, avail = clusterUsed.Add(n.used), total.Add(n.total), avail.Add(n.room())
		f := n.total.Sub(n.used)
		leaf := s.index.t[s.index.size+n.slot]
		if n.schedulable && (leaf.mem != f.MemoryMB || leaf.vc != f.VCores) || !n.schedulable && leaf.mem != -1 {
			t.Errorf("node %s index %+v, free %v", id, leaf, f)
		}
	}
	if gotTotal, gotUsed := s.Cluster(); gotUsed != clusterUsed || gotTotal != total || s.avail != avail {
		t.Errorf("cluster %v/%v avail %v, want %v/%v %v", gotUsed, gotTotal, s.avail, clusterUsed, total, avail)
	}
	for id, a := range s.apps {
		if a.used != appUsed[id] {
			t.Errorf("app %s used %v, want %v", id, a.used, appUsed[id])
		}
		n := 0
		for _, k := range a.asks {
			n += k.count
			if k.count <= 0 {
				t.Errorf("app %s keeps an empty ask", id)
			}
		}
		if n != a.pending {
			t.Errorf("app %s pending %d, want %d", id, a.pending, n)
		}
	}
	for _, q := range s.queues {
		if q.used != queueUsed[q] {
			t.Errorf("queue %s used %v, want %v", q.path, q.used, queueUsed[q])
		}
		demanding, pendingApps := 0, 0
		for _, a := range q.apps {
			demanding += b2i(a.demanding())
			pendingApps += b2i(!a.am.IsZero())
		}
		if q.demanding != demanding || q.pendingApps != pendingApps {
			t.Errorf("queue %s demanding %d/%d pending %d/%d", q.path, q.demanding, demanding, q.pendingApps, pendingApps)
		}
	}
}
