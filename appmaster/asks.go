package appmaster

import (
	"cmp"
	"slices"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
)

// anyNode is the resource name of a request that any node may satisfy.
const anyNode = "*"

// askKey identifies an outstanding request: YARN keeps one total per
// (priority, resource name, capability); goyarn asks only for "*".
type askKey struct {
	priority   int32
	capability api.Resource
}

func (k askKey) compare(o askKey) int {
	return cmp.Or(cmp.Compare(k.priority, o.priority),
		cmp.Compare(k.capability.MemoryMB, o.capability.MemoryMB),
		cmp.Compare(k.capability.VCores, o.capability.VCores))
}

// askTable holds the outstanding totals and which of them changed since they
// were last sent. It is not safe for concurrent use (AMRMClient locks).
type askTable struct {
	totals map[askKey]int32
	dirty  map[askKey]bool
}

func newAskTable() *askTable {
	return &askTable{totals: map[askKey]int32{}, dirty: map[askKey]bool{}}
}

// set makes the total for k n (n >= 0) and marks it for sending if it
// changed.
func (t *askTable) set(k askKey, n int32) {
	if t.totals[k] == n {
		return
	}
	t.totals[k] = n
	t.dirty[k] = true
}

func (t *askTable) get(k askKey) int32 { return t.totals[k] }

// sum is the number of outstanding containers over all requests.
func (t *askTable) sum() int {
	n := 0
	for _, v := range t.totals {
		n += int(v)
	}
	return n
}

// matched accounts for a granted container: the RM has already taken it off
// its own total, so the client does the same without marking anything for
// sending. The request matched is the one at the container's priority with
// the container's exact capability, else the largest capability that fits
// in it (the RM rounds asks up). It reports whether a request matched.
func (t *askTable) matched(priority int32, got api.Resource) bool {
	best, found := askKey{}, false
	for k, n := range t.totals {
		if n <= 0 || k.priority != priority || !k.capability.Fits(got) {
			continue
		}
		if k.capability == got {
			best, found = k, true
			break
		}
		if !found || best.capability.Fits(k.capability) {
			best, found = k, true
		}
	}
	if !found {
		return false
	}
	t.totals[best]--
	if t.totals[best] == 0 && !t.dirty[best] {
		delete(t.totals, best)
	}
	return true
}

// take returns the changed totals as requests (in a stable order) and clears
// the changed marks. Totals that reached zero are sent once, then forgotten.
func (t *askTable) take() []rpc.ResourceRequest {
	keys := make([]askKey, 0, len(t.dirty))
	for k := range t.dirty {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, askKey.compare)
	out := make([]rpc.ResourceRequest, 0, len(keys))
	for _, k := range keys {
		n := t.totals[k]
		out = append(out, rpc.ResourceRequest{Priority: k.priority, ResourceName: anyNode, Capability: k.capability, NumContainers: n})
		delete(t.dirty, k)
		if n == 0 {
			delete(t.totals, k)
		}
	}
	return out
}

// remark marks the keys of sent requests for sending again (their current
// totals will go), after a call that may not have reached the RM.
func (t *askTable) remark(sent []rpc.ResourceRequest) {
	for _, r := range sent {
		k := askKey{priority: r.Priority, capability: r.Capability}
		if _, ok := t.totals[k]; !ok {
			t.totals[k] = 0
		}
		t.dirty[k] = true
	}
}

// markAll marks every outstanding total for sending (after a resync: the RM
// knows none of them).
func (t *askTable) markAll() {
	for k, n := range t.totals {
		if n > 0 {
			t.dirty[k] = true
		} else if !t.dirty[k] {
			delete(t.totals, k)
		}
	}
}
