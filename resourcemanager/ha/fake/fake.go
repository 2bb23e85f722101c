package fake

import (
	"context"
	"sync"
	"time"

	"github.com/goyarn/goyarn/resourcemanager/ha"
	"github.com/goyarn/goyarn/resourcemanager/ha/internal/eventq"
)

// Elector is the fake.
type Elector struct {
	self ha.Candidate
	now  func() time.Time
	q    *eventq.Queue

	mu      sync.Mutex
	leading bool
	term    int64
	done    chan struct{}
	leader  *ha.Candidate
	conn    ha.ConnState
	resigns int
	closed  bool
}

var _ ha.Elector = (*Elector)(nil)

// New returns a fake elector for self: connected, not leading, no leader
// known. now may be nil (time.Now).
func New(self ha.Candidate, now func() time.Time) *Elector {
	if now == nil {
		now = time.Now
	}
	return &Elector{self: self, now: now, q: eventq.New(), conn: ha.Connected}
}

// Elect makes this RM the leader (no-op while it leads or after Close).
func (f *Elector) Elect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.leading || f.closed {
		return
	}
	f.leading, f.done = true, make(chan struct{})
	f.term++
	self := f.self
	f.leader = &self
	f.q.Push(ha.Event{Kind: ha.Elected, Term: f.term, Done: f.done, At: f.now()})
}

// Depose ends this RM's leadership with reason; the leader becomes unknown.
func (f *Elector) Depose(reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deposeLocked(reason)
	f.leader = nil
}

func (f *Elector) deposeLocked(reason string) {
	if !f.leading {
		return
	}
	f.leading = false
	close(f.done)
	f.q.Push(ha.Event{Kind: ha.Deposed, Term: f.term, Reason: reason, At: f.now()})
}

// SetLeader says another RM leads (this one is deposed first if it led);
// ok=false: no leader is known.
func (f *Elector) SetLeader(c ha.Candidate, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deposeLocked("another ResourceManager leads")
	f.leader = nil
	if ok {
		f.leader = &c
	}
}

// SetConnState sets what ConnState reports.
func (f *Elector) SetConnState(s ha.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conn = s
}

// Resigns counts Resign calls.
func (f *Elector) Resigns() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resigns
}

// Closed reports whether Close was called.
func (f *Elector) Closed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// Events implements ha.Elector.
func (f *Elector) Events() <-chan ha.Event { return f.q.C() }

// IsLeader implements ha.Elector.
func (f *Elector) IsLeader() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.leading
}

// Leader implements ha.Elector.
func (f *Elector) Leader() (ha.Candidate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.leader == nil {
		return ha.Candidate{}, false
	}
	return *f.leader, true
}

// ConnState implements ha.Elector.
func (f *Elector) ConnState() ha.ConnState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conn
}

// Resign implements ha.Elector: it deposes this RM (reason "resigned") and
// counts the call; the leader becomes unknown until the test says who
// took over.
func (f *Elector) Resign(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resigns++
	if f.leading {
		f.deposeLocked("resigned")
		f.leader = nil
	}
	return nil
}

// Close implements ha.Elector.
func (f *Elector) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.deposeLocked("elector closed")
	f.leader = nil
	f.conn = ha.Closed
	f.mu.Unlock()
	f.q.Close()
	return nil
}
