package scheduler

import (
	"fmt"

	"github.com/goyarn/goyarn/api"
)

// Scheduler is the capacity scheduler's state. It is not safe for concurrent
// use: one owner calls it, under the owner's lock.
type Scheduler struct {
	minAlloc, maxAlloc api.Resource

	root   *queue
	queues []*queue          // pre-order, configured order
	byName map[string]*queue // short names and full paths

	apps map[api.ApplicationID]*app

	nodes     map[api.NodeID]*node
	slots     []*node // by slot; nil where a node was removed
	freeSlots []int
	index     nodeIndex
	cursor    int // next slot to try: rotates to spread containers

	total, used api.Resource // sums over known nodes
	avail       api.Resource // sum of room() over known nodes

	pass   uint64         // Schedule call counter
	failed []api.Resource // this pass: sizes no node had room for
	buf    []Placement    // Schedule's working buffer, reused
}

// New builds a scheduler with no nodes and no apps from a valid config.
func New(cfg Config) (*Scheduler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Scheduler{
		minAlloc: cfg.MinimumAllocation,
		maxAlloc: cfg.MaximumAllocation,
		byName:   make(map[string]*queue),
		apps:     make(map[api.ApplicationID]*app),
		nodes:    make(map[api.NodeID]*node),
	}
	s.root, s.queues = buildTree(cfg)
	for _, q := range s.queues {
		s.byName[q.name] = q
		s.byName[q.path] = q
	}
	s.setLimits()
	return s, nil
}

// MinimumAllocation is the normalization step and floor of every request.
func (s *Scheduler) MinimumAllocation() api.Resource { return s.minAlloc }

// MaximumAllocation is the largest container the scheduler grants
// (YARN's maximum-resource-capability).
func (s *Scheduler) MaximumAllocation() api.Resource { return s.maxAlloc }

// Normalize validates a container request and rounds it the way YARN does:
// memory up to a multiple of the minimum allocation's memory, vcores up to at
// least the minimum's (0 vcores means the minimum). Memory ≤ 0 or vcores < 0
// is ErrInvalidResource; either above the maximum allocation is
// ErrExceedsMaximum.
func (s *Scheduler) Normalize(r api.Resource) (api.Resource, error) {
	if r.MemoryMB <= 0 || r.VCores < 0 {
		return api.Resource{}, fmt.Errorf("%w: %v (memory must be positive, vcores not negative)", ErrInvalidResource, r)
	}
	if !r.Fits(s.maxAlloc) {
		return api.Resource{}, fmt.Errorf("%w: %v > %v", ErrExceedsMaximum, r, s.maxAlloc)
	}
	step := s.minAlloc.MemoryMB
	mem := (r.MemoryMB + step - 1) / step * step
	return api.Res(min(mem, s.maxAlloc.MemoryMB), max(r.VCores, s.minAlloc.VCores)), nil
}

// ResolveQueue maps a leaf queue's short name or full path to its full path.
// The empty name means "default". Unknown names are ErrUnknownQueue, parents
// ErrNotLeafQueue, stopped queues (or under a stopped parent) ErrQueueStopped.
func (s *Scheduler) ResolveQueue(name string) (string, error) {
	q, err := s.leafQueue(name)
	if err != nil {
		return "", err
	}
	return q.path, nil
}

func (s *Scheduler) leafQueue(name string) (*queue, error) {
	if name == "" {
		name = "default"
	}
	q, ok := s.byName[name]
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: %q", ErrUnknownQueue, name)
	case !q.leaf():
		return nil, fmt.Errorf("%w: %q", ErrNotLeafQueue, q.path)
	case q.stopped:
		return nil, fmt.Errorf("%w: %q", ErrQueueStopped, q.path)
	}
	return q, nil
}

// Cluster returns the total resource of all known nodes and what containers
// use on them.
func (s *Scheduler) Cluster() (total, used api.Resource) { return s.total, s.used }

// Headroom is what an app could still get right now: the least of its leaf's
// and every ancestor's remaining room below their maximum, and the free room
// on schedulable nodes (summed, so fragmentation is not considered). Zero for
// unknown apps.
func (s *Scheduler) Headroom(id api.ApplicationID) api.Resource {
	a, ok := s.apps[id]
	if !ok || a.removed {
		return api.Resource{}
	}
	h := s.avail
	for q := a.queue; q != nil; q = q.parent {
		h = h.Min(clampAdd(q.limit, q.used, -1))
	}
	return h
}
