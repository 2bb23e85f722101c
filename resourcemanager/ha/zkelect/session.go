package zkelect

import (
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/resourcemanager/ha"
)

// onEvent sees every session event on go-zookeeper's goroutine. It decides
// deposition itself, so losing leadership never waits for the campaign loop
// (which may be blocked in a request) or for the event consumer.
func (e *Elector) onEvent(ev zk.Event) {
	if ev.Type != zk.EventSession {
		return // watch events arrive on their channels
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	prev := e.connState
	switch ev.State {
	case zk.StateHasSession:
		e.connState, e.hasSession = ha.Connected, true
		e.discSeq++ // any running grace timer is now stale
		if e.grace != nil {
			e.grace.Stop()
			e.grace = nil
		}
		e.wake()
	case zk.StateDisconnected:
		e.connState, e.hasSession = ha.Disconnected, false
		if e.leading && e.grace == nil {
			e.discSeq++
			seq, grace := e.discSeq, e.cfg.grace()
			e.grace = time.AfterFunc(grace, func() { e.graceOver(seq, grace) })
		}
	case zk.StateConnecting, zk.StateConnected:
		if prev != ha.Disconnected && prev != ha.Expired {
			e.connState = ha.Connecting
		}
		e.hasSession = false
	case zk.StateExpired:
		e.connState, e.hasSession = ha.Expired, false
		e.deposeLocked("ZooKeeper session expired")
		e.gen++
		clear(e.abandoned) // the server deleted every node of the old session
		e.wake()
	case zk.StateAuthFailed:
		e.connState, e.hasSession = ha.AuthFailed, false
	}
	if e.connState != prev {
		e.log.Info("zookeeper connection", zap.String("state", string(e.connState)), zap.String("server", ev.Server))
	}
}

// graceOver deposes a leader still disconnected grace after it lost its
// server (seq identifies that disconnect).
func (e *Elector) graceOver(seq uint64, grace time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || seq != e.discSeq || e.hasSession {
		return
	}
	e.grace = nil
	e.deposeLocked("disconnected from ZooKeeper for longer than " + grace.String())
	e.gen++
}
