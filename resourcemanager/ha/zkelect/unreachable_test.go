package zkelect

import (
	"net"
	"testing"
	"time"

	"github.com/goyarn/goyarn/resourcemanager/ha"
)

// An elector whose ZooKeeper is down reports CONNECTING, leads nothing,
// Resign is a no-op, and Close returns promptly.
func TestZooKeeperUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	tl := &timeline{}
	e := start(t, tl, clusterID(), "rm1", []string{addr}, 2*time.Second)
	if e.ConnState() != ha.Connecting || e.IsLeader() {
		t.Fatalf("state %s, leading %v", e.ConnState(), e.IsLeader())
	}
	if _, ok := e.Leader(); ok {
		t.Fatal("a leader is known without ZooKeeper")
	}
	if err := e.Resign(t.Context()); err != nil {
		t.Fatalf("Resign while not leading: %v", err)
	}
	closed := make(chan struct{})
	go func() { e.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close hangs while ZooKeeper is unreachable")
	}
	if e.ConnState() != ha.Closed {
		t.Fatalf("state after Close: %s", e.ConnState())
	}
	if len(tl.events("rm1")) != 0 {
		t.Fatalf("events without ZooKeeper: %+v", tl.events("rm1"))
	}
}
