package scheduler

import (
	"math"
	"strings"

	"github.com/goyarn/goyarn/api"
)

// queue is one node of the queue tree. Parents aggregate the usage of their
// children; only leaves hold apps.
type queue struct {
	name, path string
	parent     *queue
	children   []*queue // configured order

	capacity, maxCapacity float64 // fractions of the parent
	absCap, absMax        float64 // fractions of the cluster
	amPercent             float64 // effective (inherited) AM share
	stopped               bool    // effective: this queue or an ancestor is STOPPED

	// Derived from the cluster total by setLimits.
	guaranteed, limit api.Resource
	amLimit           api.Resource // enforced on memory only

	used       api.Resource
	containers int
	amUsed     api.Resource // leaf only (parents: see info)
	amCount    int

	// Leaf only.
	apps        []*app // FIFO order, see appBefore
	pendingApps int    // apps with an outstanding AM demand
	demanding   int    // apps with any outstanding demand

	// Per Schedule pass.
	cursor    int  // leaf: apps before it have nothing placeable this pass
	done      bool // nothing more to place below this queue this pass
	amBlocked bool // leaf: the head pending AM could not be placed
}

func (q *queue) leaf() bool { return len(q.children) == 0 }

// buildTree turns a validated config into queues, in pre-order.
func buildTree(c Config) (*queue, []*queue) {
	var all []*queue
	var walk func(qc QueueConfig, parent *queue) *queue
	walk = func(qc QueueConfig, parent *queue) *queue {
		q := &queue{name: qc.Name, parent: parent, capacity: 1, maxCapacity: 1, absCap: 1, absMax: 1,
			amPercent: c.MaxAMResourcePercent}
		if parent == nil {
			q.name, q.path = "root", "root"
		} else {
			q.path = parent.path + "." + qc.Name
			q.capacity = qc.Capacity / 100
			if qc.MaxCapacity != 0 {
				q.maxCapacity = qc.MaxCapacity / 100
			}
			q.absCap = parent.absCap * q.capacity
			q.absMax = parent.absMax * q.maxCapacity
			q.amPercent = parent.amPercent
			q.stopped = parent.stopped
		}
		if qc.MaxAMResourcePercent != 0 {
			q.amPercent = qc.MaxAMResourcePercent
		}
		if strings.EqualFold(qc.State, StateStopped) {
			q.stopped = true
		}
		all = append(all, q)
		for _, cc := range qc.Queues {
			q.children = append(q.children, walk(cc, q))
		}
		return q
	}
	root := walk(c.Root, nil)
	return root, all
}

// share is floor(v × f) with a little slack for float error.
func share(v int64, f float64) int64 {
	return int64(math.Floor(float64(v)*f + 1e-6))
}

func scale(r api.Resource, f float64) api.Resource {
	return api.Res(share(r.MemoryMB, f), share(r.VCores, f))
}

// setLimits recomputes every queue's absolute resources for a cluster total.
func (s *Scheduler) setLimits() {
	for _, q := range s.queues {
		q.guaranteed = scale(s.total, q.absCap)
		q.limit = scale(s.total, q.absMax)
		q.amLimit = scale(q.guaranteed, q.amPercent)
	}
}

// fitsQueue reports whether r more fits under q's and every ancestor's limit.
func fitsQueue(q *queue, r api.Resource) bool {
	for ; q != nil; q = q.parent {
		if q.used.MemoryMB+r.MemoryMB > q.limit.MemoryMB || q.used.VCores+r.VCores > q.limit.VCores {
			return false
		}
	}
	return true
}

// charge adds (or with sign -1 removes) one container of r to q and its
// ancestors; usage never goes below zero.
func charge(q *queue, r api.Resource, sign int64) {
	for ; q != nil; q = q.parent {
		q.used = clampAdd(q.used, r, sign)
		q.containers = max(q.containers+int(sign), 0)
	}
}

// clampAdd returns a + sign×r, never below zero in either dimension.
func clampAdd(a, r api.Resource, sign int64) api.Resource {
	return api.Res(max(a.MemoryMB+sign*r.MemoryMB, 0), max(a.VCores+sign*r.VCores, 0))
}

// offeredBefore orders siblings: lowest used/guaranteed memory first; queues
// without guaranteed memory after the others, by used memory; then by name.
func offeredBefore(a, b *queue) bool {
	ga, gb := a.guaranteed.MemoryMB > 0, b.guaranteed.MemoryMB > 0
	if ga != gb {
		return ga
	}
	ra, rb := float64(a.used.MemoryMB), float64(b.used.MemoryMB)
	if ga {
		ra /= float64(a.guaranteed.MemoryMB)
		rb /= float64(b.guaranteed.MemoryMB)
	}
	if ra != rb {
		return ra < rb
	}
	return a.name < b.name
}

// usedRatio is used/guaranteed memory, 0 when nothing is guaranteed.
func (q *queue) usedRatio() float64 {
	if q.guaranteed.MemoryMB <= 0 {
		return 0
	}
	return float64(q.used.MemoryMB) / float64(q.guaranteed.MemoryMB)
}
