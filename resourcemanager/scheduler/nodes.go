package scheduler

import (
	"fmt"

	"github.com/goyarn/goyarn/api"
)

// node is one NodeManager as the scheduler sees it.
type node struct {
	id          api.NodeID
	total, used api.Resource
	containers  int
	schedulable bool
	slot        int // index in Scheduler.slots and nodeIndex
}

// room is what new containers may use: free resources if schedulable, else
// nothing. Never negative.
func (n *node) room() api.Resource {
	if !n.schedulable {
		return api.Resource{}
	}
	return clampAdd(n.total, n.used, -1)
}

// nodeChanged brings the index and the cluster's available room up to date
// after n's total, used or schedulability changed; before is n.room() as it
// was.
func (s *Scheduler) nodeChanged(n *node, before api.Resource) {
	s.avail = s.avail.Sub(before).Add(n.room())
	if !n.schedulable {
		s.index.set(n.slot, -1, -1)
		return
	}
	f := n.total.Sub(n.used)
	s.index.set(n.slot, f.MemoryMB, f.VCores)
}

// AddNode adds a node with the given total resource; it starts schedulable.
func (s *Scheduler) AddNode(id api.NodeID, total api.Resource) error {
	if id.IsZero() {
		return fmt.Errorf("%w: empty node id", ErrUnknownNode)
	}
	if !total.NonNegative() {
		return fmt.Errorf("%w: node %s total %v", ErrInvalidResource, id, total)
	}
	if _, ok := s.nodes[id]; ok {
		return fmt.Errorf("%w: node %s", ErrDuplicate, id)
	}
	n := &node{id: id, total: total, schedulable: true}
	if k := len(s.freeSlots); k > 0 {
		n.slot = s.freeSlots[k-1]
		s.freeSlots = s.freeSlots[:k-1]
	} else {
		n.slot = len(s.slots)
		s.slots = append(s.slots, nil)
		s.index.ensure(len(s.slots))
	}
	s.slots[n.slot] = n
	s.nodes[id] = n
	s.nodeChanged(n, api.Resource{})
	s.total = s.total.Add(total)
	s.setLimits()
	return nil
}

// UpdateNode changes a node's total resource. A total below what is in use
// leaves the node over-committed until containers end; it gets nothing new
// meanwhile.
func (s *Scheduler) UpdateNode(id api.NodeID, total api.Resource) error {
	n, ok := s.nodes[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownNode, id)
	}
	if !total.NonNegative() {
		return fmt.Errorf("%w: node %s total %v", ErrInvalidResource, id, total)
	}
	before := n.room()
	s.total = s.total.Sub(n.total).Add(total)
	n.total = total
	s.nodeChanged(n, before)
	s.setLimits()
	return nil
}

// RemoveNode forgets a node. Containers that were on it stay accounted to
// their apps and queues until the caller Releases them, which it should do
// before a node with the same id is added again (else those releases would
// free room on the new node).
func (s *Scheduler) RemoveNode(id api.NodeID) {
	n, ok := s.nodes[id]
	if !ok {
		return
	}
	s.avail = s.avail.Sub(n.room())
	s.index.set(n.slot, -1, -1)
	s.slots[n.slot] = nil
	s.freeSlots = append(s.freeSlots, n.slot)
	delete(s.nodes, id)
	s.total = s.total.Sub(n.total)
	s.used = clampAdd(s.used, n.used, -1)
	s.setLimits()
}

// SetSchedulable marks a node as able (or not: unhealthy, decommissioning) to
// receive new containers. Its resources still count in the cluster total.
// Unknown nodes are ignored.
func (s *Scheduler) SetSchedulable(id api.NodeID, schedulable bool) {
	n, ok := s.nodes[id]
	if !ok || n.schedulable == schedulable {
		return
	}
	before := n.room()
	n.schedulable = schedulable
	s.nodeChanged(n, before)
}

// NodeUsage returns a node's total, used resource and number of containers.
func (s *Scheduler) NodeUsage(id api.NodeID) (total, used api.Resource, containers int, ok bool) {
	n, ok := s.nodes[id]
	if !ok {
		return api.Resource{}, api.Resource{}, 0, false
	}
	return n.total, n.used, n.containers, true
}
