package containers

import (
	"fmt"
	"sync"

	"github.com/goyarn/goyarn/api"
)

// Table is a runtime's book of the containers it holds, started by it or
// re-found by Recover: the containers by id, the ids whose Start is under
// way (so that neither a second Start nor a Recover takes one meanwhile),
// and whether the runtime is closed. C is the runtime's own record of a
// container (a pointer). It is safe for concurrent use; one lock guards it
// all, and the add funcs of Started and Recovered run under it.
type Table[C comparable] struct {
	runtime string

	mu       sync.Mutex
	held     map[api.ContainerID]C
	starting map[api.ContainerID]bool
	closed   bool
}

// AddFunc runs under the table's lock just before a container is added,
// told whether the table is closed, and says whether to add it after all.
// A runtime starts the container's watcher there: once Close has marked
// the table closed, no add func starts one, so Close can wait for them.
type AddFunc func(closed bool) bool

// NewTable returns an empty table; runtime names the runtime in errors
// ("process", "docker").
func NewTable[C comparable](runtime string) *Table[C] {
	return &Table[C]{runtime: runtime, held: map[api.ContainerID]C{}, starting: map[api.ContainerID]bool{}}
}

// CheckOpen fails with ErrUnavailable once the table is closed.
func (t *Table[C]) CheckOpen() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.checkOpenLocked()
}

func (t *Table[C]) checkOpenLocked() error {
	if t.closed {
		return fmt.Errorf("%w: %s runtime is closed", ErrUnavailable, t.runtime)
	}
	return nil
}

// Reserve claims id for a Start under way, until Started. It fails with
// ErrUnavailable once the table is closed, and with ErrExists while id is
// held or being started.
func (t *Table[C]) Reserve(id api.ContainerID) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkOpenLocked(); err != nil {
		return err
	}
	if _, ok := t.held[id]; ok || t.starting[id] {
		return fmt.Errorf("%w: %s", ErrExists, id)
	}
	t.starting[id] = true
	return nil
}

// Started ends the Start that reserved id. When it launched c, c is held
// from now on, unless add (nil: add) says otherwise.
func (t *Table[C]) Started(id api.ContainerID, c C, launched bool, add AddFunc) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.starting, id)
	if launched && (add == nil || add(t.closed)) {
		t.held[id] = c
	}
}

// Busy returns the container held for id (the zero C when none) and
// whether id is held or a Start of it is under way: Recover leaves a busy
// id alone.
func (t *Table[C]) Busy(id api.ContainerID) (C, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.held[id]
	return c, ok || t.starting[id]
}

// Recovered holds c, which Recover re-found for id, unless id has become
// busy meanwhile (a concurrent Recover or Start won) or add (nil: add)
// says otherwise. It returns what the table then holds for id (the zero C
// when nothing) and whether that is c.
func (t *Table[C]) Recovered(id api.ContainerID, c C, add AddFunc) (C, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if other, ok := t.held[id]; ok || t.starting[id] {
		return other, false
	}
	if add != nil && !add(t.closed) {
		var zero C
		return zero, false
	}
	t.held[id] = c
	return c, true
}

// Get returns the container held for id, or ErrNotFound.
func (t *Table[C]) Get(id api.ContainerID) (C, error) {
	t.mu.Lock()
	c, ok := t.held[id]
	t.mu.Unlock()
	if !ok {
		return c, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return c, nil
}

// All returns every container held, in no particular order.
func (t *Table[C]) All() []C {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]C, 0, len(t.held))
	for _, c := range t.held {
		out = append(out, c)
	}
	return out
}

// Remove stops holding the container held for id if check (run under the
// table's lock) allows it, and returns it: ErrNotFound when none is held,
// check's error as it is.
func (t *Table[C]) Remove(id api.ContainerID, check func(C) error) (C, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.held[id]
	if !ok {
		return c, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err := check(c); err != nil {
		return c, err
	}
	delete(t.held, id)
	return c, nil
}

// Forget stops holding c for id; it does nothing when the table holds
// another container (or none) for id by now.
func (t *Table[C]) Forget(id api.ContainerID, c C) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if held, ok := t.held[id]; ok && held == c {
		delete(t.held, id)
	}
}

// Close marks the table closed: Reserve and CheckOpen fail from now on,
// and add funcs are told.
func (t *Table[C]) Close() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
}
