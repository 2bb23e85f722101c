package appmaster

import (
	"fmt"
	"math"

	"github.com/goyarn/goyarn/api"
)

// AddRequest asks for count more containers of size capability at priority
// (lower numbers are served first, as in YARN). The outstanding total for
// (priority, capability) goes up by count; the next allocate sends it.
func (c *AMRMClient) AddRequest(priority int32, capability api.Resource, count int) error {
	if err := checkRequest(priority, capability, count); err != nil {
		return err
	}
	c.mu.Lock()
	k := askKey{priority, capability}
	c.asks.set(k, clampCount(int64(c.asks.get(k))+int64(count)))
	c.mu.Unlock()
	c.poke()
	return nil
}

// RemoveRequest withdraws up to count outstanding containers of the
// request (priority, capability); the total never goes below zero. Granted
// containers are taken off their request automatically: call RemoveRequest
// only for containers no longer wanted.
func (c *AMRMClient) RemoveRequest(priority int32, capability api.Resource, count int) error {
	if err := checkRequest(priority, capability, count); err != nil {
		return err
	}
	c.mu.Lock()
	k := askKey{priority, capability}
	c.asks.set(k, max(0, c.asks.get(k)-clampCount(int64(count))))
	c.mu.Unlock()
	c.poke()
	return nil
}

// SetRequest makes the outstanding total of (priority, capability) exactly
// total (0 cancels it): handy for an allocator that computes a target.
func (c *AMRMClient) SetRequest(priority int32, capability api.Resource, total int) error {
	if err := checkRequest(priority, capability, max(total, 1)); err != nil {
		return err
	}
	if total < 0 {
		return fmt.Errorf("%w: total %d is negative", ErrInvalidRequest, total)
	}
	c.mu.Lock()
	c.asks.set(askKey{priority, capability}, clampCount(int64(total)))
	c.mu.Unlock()
	c.poke()
	return nil
}

// Outstanding is the number of containers still asked for at (priority,
// capability).
func (c *AMRMClient) Outstanding(priority int32, capability api.Resource) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int(c.asks.get(askKey{priority, capability}))
}

// OutstandingTotal is the number of containers still asked for over all
// requests.
func (c *AMRMClient) OutstandingTotal() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.asks.sum()
}

// Release gives a granted container back to the RM (which stops it if it
// runs). The next allocate sends it; its completion is reported as usual.
func (c *AMRMClient) Release(id api.ContainerID) {
	if id.IsZero() {
		return
	}
	c.mu.Lock()
	c.releases[id] = true
	c.mu.Unlock()
	c.poke()
}

// SetProgress sets the progress (clamped to 0..1) the next allocate reports.
func (c *AMRMClient) SetProgress(p float64) {
	if math.IsNaN(p) {
		return
	}
	c.mu.Lock()
	c.progress = min(max(p, 0), 1)
	c.mu.Unlock()
}

// Changed fires (once per burst of changes) when asks or releases changed,
// so a heartbeat loop can allocate at once instead of at its next tick.
func (c *AMRMClient) Changed() <-chan struct{} { return c.wake }

func (c *AMRMClient) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func checkRequest(priority int32, capability api.Resource, count int) error {
	switch {
	case priority < 0:
		return fmt.Errorf("%w: priority %d is negative", ErrInvalidRequest, priority)
	case !capability.Positive():
		return fmt.Errorf("%w: capability %s must have memory and vcores above zero", ErrInvalidRequest, capability)
	case count <= 0:
		return fmt.Errorf("%w: count %d must be positive", ErrInvalidRequest, count)
	}
	return nil
}

func clampCount(n int64) int32 { return int32(min(max(n, 0), math.MaxInt32)) }
