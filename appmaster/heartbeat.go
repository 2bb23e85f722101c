package appmaster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
)

// HeartbeatConfig tunes a Heartbeater.
type HeartbeatConfig struct {
	// Interval is the pause between allocate calls when nothing is asked
	// for (YARN's AM heartbeat; Spark uses 3 s).
	Interval time.Duration
	// FastInterval is the pause after asks changed or containers arrived
	// while containers are still asked for; it doubles on each empty
	// heartbeat up to Interval (Spark's initial-allocation interval). A
	// change of asks or releases triggers an allocate at once.
	FastInterval time.Duration
	// After returns a channel that fires after d (nil: time.After); tests
	// replace it to drive the heartbeats.
	After func(d time.Duration) <-chan time.Time
}

// DefaultHeartbeatConfig is 1 s, 200 ms fast.
func DefaultHeartbeatConfig() HeartbeatConfig {
	return HeartbeatConfig{Interval: time.Second, FastInterval: 200 * time.Millisecond}
}

// Validate reports every problem at once.
func (h HeartbeatConfig) Validate() error {
	var errs []error
	if h.Interval <= 0 {
		errs = append(errs, fmt.Errorf("%w: heartbeat interval %s must be positive", ErrInvalidConfig, h.Interval))
	}
	if h.FastInterval <= 0 {
		errs = append(errs, fmt.Errorf("%w: fast heartbeat interval %s must be positive", ErrInvalidConfig, h.FastInterval))
	}
	return errors.Join(errs...)
}

// Heartbeater calls Allocate in a loop and delivers what the RM grants on
// one channel. It keeps heartbeating while the consumer is busy: batches not
// yet received are merged, never dropped, so a slow consumer neither loses
// containers nor makes the RM think the AM is dead. The consumer owns its
// state in one goroutine that selects on Events alongside its own channels
// (launch results, a driver finishing); that is why this is a channel and
// not callbacks.
type Heartbeater struct {
	c      *AMRMClient
	cfg    HeartbeatConfig
	log    *zap.Logger
	events chan *Allocation
	done   chan struct{}
	cancel context.CancelFunc

	mu      sync.Mutex
	err     error
	stopped bool
}

// StartHeartbeat starts allocating every cfg.Interval (zero fields take the
// defaults) until ctx ends, Stop is called, or an allocate fails for good
// (RM unreachable past MaxWait, ErrShutdown, a rejected request).
func (c *AMRMClient) StartHeartbeat(ctx context.Context, cfg HeartbeatConfig) *Heartbeater {
	def := DefaultHeartbeatConfig()
	if cfg.Interval <= 0 {
		cfg.Interval = def.Interval
	}
	if cfg.FastInterval <= 0 {
		cfg.FastInterval = min(def.FastInterval, cfg.Interval)
	}
	cfg.FastInterval = min(cfg.FastInterval, cfg.Interval)
	if cfg.After == nil {
		cfg.After = time.After
	}
	ctx, cancel := context.WithCancel(ctx)
	h := &Heartbeater{
		c: c, cfg: cfg, log: c.log.Named("heartbeat"),
		events: make(chan *Allocation), done: make(chan struct{}), cancel: cancel,
	}
	go h.run(ctx)
	return h
}

// Events delivers allocations (never empty ones). It is closed when the
// loop ends; Err then says why.
func (h *Heartbeater) Events() <-chan *Allocation { return h.events }

// Done is closed when the loop has ended.
func (h *Heartbeater) Done() <-chan struct{} { return h.done }

// Err is why the loop ended: nil after Stop, the context's error, or the
// allocate error (errors.Is(err, ErrShutdown) when the RM said so).
func (h *Heartbeater) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// Stop ends the loop and waits for it. Undelivered allocations are dropped.
func (h *Heartbeater) Stop() {
	h.mu.Lock()
	h.stopped = true
	h.mu.Unlock()
	h.cancel()
	<-h.done
}

func (h *Heartbeater) end(err error) {
	h.mu.Lock()
	if !h.stopped {
		h.err = err
	}
	h.mu.Unlock()
	if err != nil && !errors.Is(err, context.Canceled) {
		h.log.Warn("heartbeat loop ended", zap.Error(err))
	}
	close(h.events)
	close(h.done)
}

func (h *Heartbeater) run(ctx context.Context) {
	defer h.cancel()
	var pending *Allocation
	cur, woke := h.cfg.FastInterval, true
	for {
		got, err := h.c.Allocate(ctx)
		if !got.Empty() {
			if pending == nil {
				pending = &Allocation{}
			}
			pending.merge(got)
		}
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			h.end(err)
			return
		}
		switch {
		case h.c.OutstandingTotal() == 0:
			cur = h.cfg.Interval
		case woke || len(got.Allocated) > 0:
			cur = h.cfg.FastInterval
		default:
			cur = min(2*cur, h.cfg.Interval)
		}
		woke = false
		tick := h.cfg.After(cur)
	wait:
		for {
			var out chan<- *Allocation
			if pending != nil {
				out = h.events
			}
			select {
			case out <- pending:
				pending = nil
			case <-tick:
				break wait
			case <-h.c.Changed():
				woke = true
				break wait
			case <-ctx.Done():
				h.end(ctx.Err())
				return
			}
		}
	}
}
