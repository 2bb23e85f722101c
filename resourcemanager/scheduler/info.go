package scheduler

import (
	"slices"

	"github.com/goyarn/goyarn/api"
)

// QueueInfo is a read-only view of one queue, for the REST scheduler page.
// Percentages are 0..100 floats (never NaN or Inf); capacities are memory
// based, as in YARN's default resource calculator.
type QueueInfo struct {
	Path  string // root.a.b
	Name  string // b
	Leaf  bool
	State string // effective: STOPPED if it or an ancestor is stopped

	Capacity             float64 // configured, percent of the parent
	MaxCapacity          float64 // configured (100 when unset), percent of the parent
	AbsoluteCapacity     float64 // percent of the cluster
	AbsoluteMaxCapacity  float64 // percent of the cluster
	UsedCapacity         float64 // used memory, percent of the guaranteed memory
	AbsoluteUsedCapacity float64 // used memory, percent of the cluster's memory
	MaxAMResourcePercent float64 // effective fraction, 0..1

	Guaranteed api.Resource // absolute capacity × cluster
	Maximum    api.Resource // absolute maximum capacity × cluster
	Used       api.Resource
	Containers int

	AMUsed  api.Resource // parents: sum over their leaves
	AMLimit api.Resource // leaves: only memory is enforced; parents: zero

	AppsActive  int // AM placed or not needed (parents: sum over leaves)
	AppsPending int // waiting for their AM container

	Children []string // full paths, in the order they would be offered resources now
}

// Queues lists every queue in pre-order (configured child order).
func (s *Scheduler) Queues() []QueueInfo {
	out := make([]QueueInfo, 0, len(s.queues))
	var walk func(q *queue) (amUsed api.Resource, active, pending int)
	walk = func(q *queue) (api.Resource, int, int) {
		i := len(out)
		out = append(out, s.info(q))
		if q.leaf() {
			out[i].AppsActive, out[i].AppsPending = len(q.apps)-q.pendingApps, q.pendingApps
			return q.amUsed, out[i].AppsActive, out[i].AppsPending
		}
		var am api.Resource
		var active, pending int
		for _, c := range q.children {
			u, a, p := walk(c)
			am, active, pending = am.Add(u), active+a, pending+p
		}
		out[i].AMUsed, out[i].AppsActive, out[i].AppsPending = am, active, pending
		return am, active, pending
	}
	walk(s.root)
	return out
}

func (s *Scheduler) info(q *queue) QueueInfo {
	state := StateRunning
	if q.stopped {
		state = StateStopped
	}
	qi := QueueInfo{
		Path: q.path, Name: q.name, Leaf: q.leaf(), State: state,
		Capacity:             100 * q.capacity,
		MaxCapacity:          100 * q.maxCapacity,
		AbsoluteCapacity:     100 * q.absCap,
		AbsoluteMaxCapacity:  100 * q.absMax,
		UsedCapacity:         100 * q.usedRatio(),
		MaxAMResourcePercent: q.amPercent,
		Guaranteed:           q.guaranteed,
		Maximum:              q.limit,
		Used:                 q.used,
		Containers:           q.containers,
	}
	if s.total.MemoryMB > 0 {
		qi.AbsoluteUsedCapacity = 100 * float64(q.used.MemoryMB) / float64(s.total.MemoryMB)
	}
	if q.leaf() {
		qi.AMUsed, qi.AMLimit = q.amUsed, q.amLimit
	}
	order := slices.Clone(q.children)
	slices.SortStableFunc(order, func(a, b *queue) int {
		if offeredBefore(a, b) {
			return -1
		}
		if offeredBefore(b, a) {
			return 1
		}
		return 0
	})
	for _, c := range order {
		qi.Children = append(qi.Children, c.path)
	}
	return qi
}
