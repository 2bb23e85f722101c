package fake

import (
	"context"
	"fmt"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Survive tells the fake to pretend st's container survived an NM restart:
// Recover reveals it. A running one then follows o (its Duration counted from
// Recover; o.RunUntilStopped to keep it until Stop); an exited one keeps st.
// A zero st.Pid gets one assigned; a zero st.StartedAt gets the clock's now.
func (f *Runtime) Survive(st containers.Status, o Outcome) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st.Pid == 0 {
		f.nextPid++
		st.Pid = f.nextPid
	}
	if st.StartedAt.IsZero() {
		st.StartedAt = f.clock.Now()
	}
	c := &ctr{outcome: o, done: make(chan struct{}), st: st}
	if !st.Running {
		close(c.done)
	}
	f.pending[st.ID] = c
}

// Recover reveals the containers that survived (see Survive and Restart),
// starts the scripted runs of the running ones, and returns the status of
// every container the runtime holds, sorted by id.
func (f *Runtime) Recover(ctx context.Context) ([]containers.Status, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, fmt.Errorf("%w: fake runtime is closed", containers.ErrUnavailable)
	}
	var revealed []*ctr
	for id, c := range f.pending {
		if f.ctrs[id] == nil {
			f.ctrs[id] = c
			revealed = append(revealed, c)
		}
		delete(f.pending, id)
	}
	f.mu.Unlock()
	for _, c := range revealed {
		c.run(f.clock) // a no-op for containers Restart carried over, already scheduled
	}
	f.mu.Lock()
	out := make([]containers.Status, 0, len(f.ctrs))
	for _, c := range f.ctrs {
		out = append(out, c.status())
	}
	f.mu.Unlock()
	sortStatuses(out)
	return out, nil
}

// Restart stands for an NM restart: f is closed, and the returned runtime
// (same config and clock, nothing started yet) reveals on Recover every
// container f held, still running or exited as they are.
func (f *Runtime) Restart() *Runtime {
	n := New(f.cfg)
	n.clock = f.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	n.nextPid = f.nextPid
	for id, c := range f.pending {
		n.pending[id] = c
	}
	for id, c := range f.ctrs {
		n.pending[id] = c
	}
	return n
}

// Exit ends a running container now with code and diag, as if its process
// had exited on its own. It reports ErrNotFound for an unknown id and does
// nothing to an exited container.
func (f *Runtime) Exit(id api.ContainerID, code int, diag string) error {
	c, err := f.get(id)
	if err != nil {
		return err
	}
	c.exit(f.clock.Now(), code, diag)
	return nil
}

// Started returns the specs of the containers started so far, in order.
func (f *Runtime) Started() []containers.Spec {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]containers.Spec, len(f.started))
	for i, s := range f.started {
		out[i] = cloneSpec(s)
	}
	return out
}

// Stopped returns the ids of the containers Stop ended, in order.
func (f *Runtime) Stopped() []api.ContainerID {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]api.ContainerID(nil), f.stopped...)
}
