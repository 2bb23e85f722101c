package appmaster_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/amtest"
)

// manualClock hands the heartbeater one channel the test ticks by hand and
// records the pauses it asked for.
type manualClock struct {
	ch   chan time.Time
	mu   sync.Mutex
	durs []time.Duration
}

func newManualClock() *manualClock { return &manualClock{ch: make(chan time.Time)} }

func (m *manualClock) after(d time.Duration) <-chan time.Time {
	m.mu.Lock()
	m.durs = append(m.durs, d)
	m.mu.Unlock()
	return m.ch
}

// tick fires the pending pause; it returns once the loop took it.
func (m *manualClock) tick(t *testing.T) {
	t.Helper()
	select {
	case m.ch <- time.Now():
	case <-time.After(10 * time.Second):
		t.Fatal("heartbeat loop never waited for a tick")
	}
}

func (m *manualClock) pauses() []time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.durs)
}

func next(t *testing.T, h *appmaster.Heartbeater) *appmaster.Allocation {
	t.Helper()
	select {
	case a, ok := <-h.Events():
		if !ok {
			t.Fatalf("events closed: %v", h.Err())
		}
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("no allocation event")
	}
	return nil
}

func startHeartbeat(t *testing.T, c *appmaster.AMRMClient, clk *manualClock) *appmaster.Heartbeater {
	h := c.StartHeartbeat(context.Background(), appmaster.HeartbeatConfig{Interval: 4 * time.Second, FastInterval: time.Second, After: clk.after})
	t.Cleanup(h.Stop)
	return h
}

func TestHeartbeaterDeliversAllocationsAndCompletions(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	clk := newManualClock()
	h := startHeartbeat(t, c, clk)

	_ = c.AddRequest(1, size, 2) // wakes the loop: no tick needed
	var got []string
	for len(got) < 2 {
		for _, ct := range next(t, h).Allocated {
			got = append(got, ct.ID.String())
		}
	}
	for _, ct := range rm.Granted() {
		rm.Complete(ct.ID, 0, "") // as their NM would report
	}
	clk.tick(t)
	if a := next(t, h); len(a.Completed) != 2 {
		t.Errorf("completed = %+v, want both containers", a.Completed)
	}
	h.Stop()
	if _, ok := <-h.Events(); ok || h.Err() != nil {
		t.Errorf("after Stop: events open %v, err %v", ok, h.Err())
	}
}

func TestHeartbeaterMergesWhileTheConsumerIsBusy(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 1)
	clk := newManualClock()
	h := startHeartbeat(t, c, clk)

	amtest.WaitFor(t, 10*time.Second, "the loop to pause", func() bool { return len(clk.pauses()) == 1 })
	rm.Complete(rm.Granted()[0].ID, 3, "")
	clk.tick(t) // the heartbeat that fetches the exit
	clk.tick(t) // returns once that heartbeat is done
	a := next(t, h)
	if len(a.Allocated) != 1 || len(a.Completed) != 1 || a.Completed[0].ExitStatus != 3 {
		t.Errorf("merged allocation = %+v, want the container and its exit", a)
	}
}

func TestHeartbeaterSpeedsUpWhileAsking(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{Manual: true})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 2)
	clk := newManualClock()
	h := startHeartbeat(t, c, clk)
	waitPauses := func(n int) {
		amtest.WaitFor(t, 10*time.Second, "the loop to pause", func() bool { return len(clk.pauses()) >= n })
	}
	s := time.Second
	waitPauses(1)
	for i := 0; i < 3; i++ { // empty heartbeats while asking: 1s, 2s, 4s, 4s
		clk.tick(t)
	}
	waitPauses(4)
	rm.Grant(1, 1) // a container arrives: fast again
	clk.tick(t)
	waitPauses(5)
	_ = c.SetRequest(1, size, 0) // nothing asked: the full interval
	waitPauses(6)
	want := []time.Duration{s, 2 * s, 4 * s, 4 * s, s, 4 * s}
	if got := clk.pauses(); !slices.Equal(got, want) {
		t.Errorf("pauses = %v, want %v", got, want)
	}
	if a := next(t, h); len(a.Allocated) != 1 {
		t.Errorf("allocated = %+v", a.Allocated)
	}
}

func TestHeartbeaterEndsOnShutdown(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	clk := newManualClock()
	h := startHeartbeat(t, c, clk)
	amtest.WaitFor(t, 10*time.Second, "the loop to pause", func() bool { return len(clk.pauses()) == 1 })
	rm.SendShutdown()
	clk.tick(t)
	select {
	case <-h.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("loop did not end")
	}
	if !errors.Is(h.Err(), appmaster.ErrShutdown) {
		t.Errorf("err = %v, want ErrShutdown", h.Err())
	}
	if _, ok := <-h.Events(); ok {
		t.Error("events still open")
	}
}

func TestHeartbeaterEndsWithItsContext(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	h := c.StartHeartbeat(ctx, appmaster.HeartbeatConfig{Interval: time.Hour})
	cancel()
	<-h.Done()
	if !errors.Is(h.Err(), context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", h.Err())
	}
}
