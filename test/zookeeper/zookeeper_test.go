package zookeeper

import (
	"strings"
	"testing"
	"time"
)

func TestStandaloneStopRestart(t *testing.T) {
	e := Start(t, Options{})
	if m, err := e.Mode(0); err != nil || m != "standalone" {
		t.Fatalf("mode %q, %v; want standalone", m, err)
	}
	if got := e.ConnectString(); !strings.HasPrefix(got, "127.0.0.1:") {
		t.Fatalf("connect string %q", got)
	}
	e.Kill(0)
	if e.Servers[0].Running() {
		t.Fatal("killed server still runs")
	}
	if _, err := e.Mode(0); err == nil {
		t.Fatal("a killed server answers srvr")
	}
	e.Restart(0)
	if m, err := e.Mode(0); err != nil || m != "standalone" {
		t.Fatalf("after restart: mode %q, %v", m, err)
	}
}

func TestProxyFreezeHoldsBytes(t *testing.T) {
	e := Start(t, Options{})
	p := NewProxy(t, e.Addrs()...)
	if m, err := Mode(p.Addr(), 5*time.Second); err != nil || m != "standalone" {
		t.Fatalf("through the proxy: %q, %v", m, err)
	}
	p.Freeze()
	if _, err := FourLetter(p.Addr(), "ruok", 300*time.Millisecond); err == nil {
		t.Fatal("a frozen proxy relayed a request")
	}
	p.Thaw()
	if out, err := FourLetter(p.Addr(), "ruok", 5*time.Second); err != nil || out != "imok" {
		t.Fatalf("after thaw: %q, %v", out, err)
	}
}

func TestEnsembleReelectsAfterLeaderLoss(t *testing.T) {
	e := Start(t, Options{Servers: 3})
	old := e.Leader()
	if old < 0 {
		t.Fatal("a serving ensemble without a leader")
	}
	for i := range e.Servers {
		if m, err := e.Mode(i); err != nil || (m != "leader" && m != "follower") {
			t.Fatalf("server %d: %q, %v", i, m, err)
		}
	}
	e.Kill(old)
	e.WaitLeader(old) // the two survivors form a quorum again
	e.WaitServing()
	e.Restart(old)
	if m, err := e.Mode(old); err != nil || m != "follower" {
		t.Fatalf("restarted server: %q, %v", m, err)
	}
	if n := len(strings.Split(e.ConnectString(), ",")); n != 3 {
		t.Fatalf("connect string %q", e.ConnectString())
	}
}
