package scheduler

import (
	"fmt"
	"slices"
	"time"

	"github.com/goyarn/goyarn/api"
)

// Placement is one container granted to (or, for Allocate and Release,
// held by) an app on a node.
type Placement struct {
	App      api.ApplicationID
	Node     api.NodeID
	Resource api.Resource
	Priority int32 // the ask's request priority; 0 for AMs
	AM       bool
}

// maxFailedSizes bounds the per-pass cache of sizes no node had room for.
const maxFailedSizes = 16

// Schedule places as much outstanding demand as fits, in queue, FIFO and
// priority order (see the package doc), decrements the asks it satisfies and
// accounts the new containers. now is accepted for future time-based policies
// (delay scheduling) and is not used yet.
func (s *Scheduler) Schedule(now time.Time) []Placement {
	_ = now
	s.pass++
	s.failed = s.failed[:0]
	for _, q := range s.queues {
		q.cursor, q.amBlocked = 0, false
		q.done = q.leaf() && q.demanding == 0
	}
	buf := s.buf[:0]
	for s.index.anyFits(s.minAlloc.MemoryMB, s.minAlloc.VCores) {
		leaf := s.pickLeaf()
		if leaf == nil {
			break
		}
		p, ok := s.serve(leaf)
		if !ok {
			leaf.done = true
			continue
		}
		buf = append(buf, p)
	}
	s.buf = buf
	if len(buf) == 0 {
		return nil
	}
	// The working buffer is reused across calls (no growth in steady state);
	// the caller gets an exactly sized copy it may keep.
	return slices.Clone(buf)
}

// pickLeaf walks down from root, taking at each level the child to offer
// resources to first; nil when every queue is done for this pass.
func (s *Scheduler) pickLeaf() *queue {
	q := s.root
	for !q.leaf() {
		var best *queue
		for _, c := range q.children {
			if !c.done && (best == nil || offeredBefore(c, best)) {
				best = c
			}
		}
		if best == nil {
			q.done = true
			if q == s.root {
				return nil
			}
			q = s.root
			continue
		}
		q = best
	}
	return q
}

// serve places one container for the first app in leaf's FIFO order that can
// take one now. Every reason an app cannot (queue limits, AM limit, no node
// with room) only gets worse during a pass, so the leaf's cursor only moves
// forward.
func (s *Scheduler) serve(leaf *queue) (Placement, bool) {
	for leaf.cursor < len(leaf.apps) {
		a := leaf.apps[leaf.cursor]
		if !a.am.IsZero() {
			if !leaf.amBlocked {
				if p, ok := s.placeAM(leaf, a); ok {
					return p, true
				}
				leaf.amBlocked = true
			}
			leaf.cursor++
			continue
		}
		for i := range a.asks {
			k := &a.asks[i]
			if k.failed == s.pass {
				continue
			}
			n := s.place(leaf, k.res)
			if n == nil {
				k.failed = s.pass
				continue
			}
			p := s.grant(n, a, k.res, k.priority, false)
			a.pending--
			if k.count--; k.count == 0 {
				a.asks = slices.Delete(a.asks, i, i+1)
				if a.pending == 0 {
					leaf.demanding--
				}
			}
			return p, true
		}
		leaf.cursor++
	}
	return Placement{}, false
}

// placeAM places a's AM if the leaf's AM limit allows it (or it runs none).
func (s *Scheduler) placeAM(leaf *queue, a *app) (Placement, bool) {
	r := a.am
	if leaf.amCount > 0 && leaf.amUsed.MemoryMB+r.MemoryMB > leaf.amLimit.MemoryMB {
		return Placement{}, false
	}
	n := s.place(leaf, r)
	if n == nil {
		return Placement{}, false
	}
	p := s.grant(n, a, r, 0, true)
	a.am = api.Resource{}
	leaf.pendingApps--
	if a.pending == 0 {
		leaf.demanding--
	}
	return p, true
}

// place finds a node for r within leaf's limits, or nil.
func (s *Scheduler) place(leaf *queue, r api.Resource) *node {
	if !fitsQueue(leaf, r) {
		return nil
	}
	for _, f := range s.failed {
		if f.Fits(r) {
			return nil // r is at least as large as a size nothing had room for
		}
	}
	i := s.index.find(s.cursor, r.MemoryMB, r.VCores)
	if i < 0 {
		if len(s.failed) < maxFailedSizes {
			s.failed = append(s.failed, r)
		}
		return nil
	}
	s.cursor = i + 1
	return s.slots[i]
}

// grant accounts a new container of r for a on n, which has room for it.
func (s *Scheduler) grant(n *node, a *app, r api.Resource, prio int32, am bool) Placement {
	n.used = n.used.Add(r)
	n.containers++
	f := n.total.Sub(n.used)
	s.index.set(n.slot, f.MemoryMB, f.VCores)
	s.avail = s.avail.Sub(r)
	s.used = s.used.Add(r)
	s.account(a, r, am, 1)
	return Placement{App: a.id, Node: n.id, Resource: r, Priority: prio, AM: am}
}

// account adds (sign 1) or removes (sign -1) one container of r to a's usage
// and its queues'.
func (s *Scheduler) account(a *app, r api.Resource, am bool, sign int64) {
	a.used = clampAdd(a.used, r, sign)
	charge(a.queue, r, sign)
	if am {
		q := a.queue
		q.amUsed = clampAdd(q.amUsed, r, sign)
		q.amCount = max(q.amCount+int(sign), 0)
		a.amRunning = max(a.amRunning+int(sign), 0)
	}
}

// Allocate accounts a container that already runs, as an NM reports it after
// an RM restart or failover. It must fit in the node's free room (else
// ErrNodeFull), but queue limits are not enforced: recovered containers are a
// fact. An AM container satisfies the app's outstanding AM demand.
func (s *Scheduler) Allocate(p Placement) error {
	r := p.Resource
	if !r.NonNegative() || r.IsZero() {
		return fmt.Errorf("%w: container %v", ErrInvalidResource, r)
	}
	n, ok := s.nodes[p.Node]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownNode, p.Node)
	}
	a, err := s.liveApp(p.App)
	if err != nil {
		return err
	}
	if !n.used.Add(r).Fits(n.total) {
		return fmt.Errorf("%w: %v on %s (total %v, used %v)", ErrNodeFull, r, p.Node, n.total, n.used)
	}
	before := n.room()
	n.used = n.used.Add(r)
	n.containers++
	s.nodeChanged(n, before)
	s.used = s.used.Add(r)
	s.account(a, r, p.AM, 1)
	if p.AM {
		s.update(a, func() { a.am = api.Resource{} })
	}
	return nil
}

// Release frees a container that ended: on its node (if still known), its
// app and its queues. Releasing what was never accounted is the caller's bug;
// usage is clamped at zero rather than going negative.
func (s *Scheduler) Release(p Placement) {
	r := p.Resource
	if n, ok := s.nodes[p.Node]; ok {
		before := n.room()
		n.used = clampAdd(n.used, r, -1)
		n.containers = max(n.containers-1, 0)
		s.nodeChanged(n, before)
		s.used = clampAdd(s.used, r, -1)
	}
	a, ok := s.apps[p.App]
	if !ok {
		return
	}
	s.account(a, r, p.AM, -1)
	if a.removed && a.used.IsZero() {
		delete(s.apps, p.App)
	}
}
