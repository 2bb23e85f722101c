package scheduler

// nodeIndex is a max segment tree over node slots: every tree node holds the
// largest free memory and the largest free vcores among the slots below it
// (not necessarily of the same slot). Empty slots and unschedulable nodes hold
// -1, so they never fit a request. It answers "the first slot at or after i
// with room for (mem, vcores)" in O(log n) in the common case.
type nodeIndex struct {
	size int      // number of leaves, a power of two (0 when empty)
	t    []maxima // heap layout: root at 1, children of k at 2k and 2k+1, leaves at size+i
}

type maxima struct{ mem, vc int64 }

// ensure makes room for at least n slots, keeping existing leaves.
func (x *nodeIndex) ensure(n int) {
	size := max(x.size, 1)
	for size < n {
		size *= 2
	}
	if size == x.size {
		return
	}
	t := make([]maxima, 2*size)
	for i := range t {
		t[i] = maxima{-1, -1}
	}
	for i := 0; i < x.size; i++ {
		t[size+i] = x.t[x.size+i]
	}
	for k := size - 1; k >= 1; k-- {
		t[k] = maxima{max(t[2*k].mem, t[2*k+1].mem), max(t[2*k].vc, t[2*k+1].vc)}
	}
	x.size, x.t = size, t
}

// set records slot i's free room and updates its ancestors.
func (x *nodeIndex) set(i int, mem, vc int64) {
	k := x.size + i
	x.t[k] = maxima{mem, vc}
	for k > 1 {
		k >>= 1
		m := maxima{max(x.t[2*k].mem, x.t[2*k+1].mem), max(x.t[2*k].vc, x.t[2*k+1].vc)}
		if m == x.t[k] {
			return
		}
		x.t[k] = m
	}
}

// anyFits reports whether some slot may have room for (mem, vc): false means
// none has; true may still find none when the maxima belong to different slots.
func (x *nodeIndex) anyFits(mem, vc int64) bool {
	return x.size > 0 && x.t[1].mem >= mem && x.t[1].vc >= vc
}

// find returns the first slot at or after from (wrapping around) with room
// for (mem, vc), or -1.
func (x *nodeIndex) find(from int, mem, vc int64) int {
	if !x.anyFits(mem, vc) {
		return -1
	}
	if from >= x.size || from < 0 {
		from = 0
	}
	if i := x.first(1, 0, x.size, from, x.size, mem, vc); i >= 0 {
		return i
	}
	if from > 0 {
		return x.first(1, 0, x.size, 0, from, mem, vc)
	}
	return -1
}

// first searches tree node k, covering slots [lo, hi), for the first slot in
// [from, to) with room.
func (x *nodeIndex) first(k, lo, hi, from, to int, mem, vc int64) int {
	if hi <= from || lo >= to || x.t[k].mem < mem || x.t[k].vc < vc {
		return -1
	}
	if k >= x.size {
		return k - x.size
	}
	mid := (lo + hi) / 2
	if i := x.first(2*k, lo, mid, from, to, mem, vc); i >= 0 {
		return i
	}
	return x.first(2*k+1, mid, hi, from, to, mem, vc)
}
