package fake

import (
	"sort"
	"sync"
	"time"
)

// Clock is the time the fake runs its containers by.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine (or, for ManualClock, from
	// Advance) once d has passed; stop cancels it and reports whether it did.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// ManualClock moves only when Advance is called, so scripted durations are
// deterministic and take no real time. Safe for concurrent use.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	seq    int
	timers map[int]manualTimer
}

type manualTimer struct {
	at  time.Time
	seq int
	f   func()
}

// NewManualClock returns a clock standing at start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start, timers: map[int]manualTimer{}}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f for Now()+d; it runs from the Advance that reaches
// that time (at once, from Advance(0), when d <= 0).
func (c *ManualClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	seq := c.seq
	c.timers[seq] = manualTimer{at: c.now.Add(d), seq: seq, f: f}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.timers[seq]
		delete(c.timers, seq)
		return ok
	}
}

// Pending is the number of scheduled functions not yet run.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock forward by d, running every function that falls
// due, in time order (then scheduling order), each with the clock set to its
// due time. Functions run on the caller's goroutine, without the clock's lock.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		next, ok := c.nextDue(end)
		if !ok {
			if c.now.Before(end) {
				c.now = end
			}
			c.mu.Unlock()
			return
		}
		delete(c.timers, next.seq)
		if next.at.After(c.now) {
			c.now = next.at
		}
		c.mu.Unlock()
		next.f()
	}
}

// nextDue is the earliest timer due by end; c.mu is held.
func (c *ManualClock) nextDue(end time.Time) (manualTimer, bool) {
	due := make([]manualTimer, 0, len(c.timers))
	for _, t := range c.timers {
		if !t.at.After(end) {
			due = append(due, t)
		}
	}
	if len(due) == 0 {
		return manualTimer{}, false
	}
	sort.Slice(due, func(i, j int) bool {
		if !due[i].at.Equal(due[j].at) {
			return due[i].at.Before(due[j].at)
		}
		return due[i].seq < due[j].seq
	})
	return due[0], true
}
