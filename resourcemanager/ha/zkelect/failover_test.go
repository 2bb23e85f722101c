package zkelect

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/ha"
	"github.com/goyarn/goyarn/test/zookeeper"
)

// testResign: each leader in turn resigns; the next candidate takes over and
// the resigned one queues up behind the others.
func testResign(t *testing.T, zks *zookeeper.Ensemble) {
	tl := &timeline{}
	defer tl.check(t)
	els := three(t, tl, zks)
	var order []string
	for range 4 {
		l := leaders(els...)[0]
		order = append(order, l.cfg.Self.HAID)
		if len(order) == 4 {
			break
		}
		started := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), patient)
		err := l.Resign(ctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if l.IsLeader() {
			t.Fatal("still leading after Resign returned")
		}
		evs := tl.events(l.cfg.Self.HAID)
		waitFor(t, patient, "the Deposed event", func() bool {
			evs = tl.events(l.cfg.Self.HAID)
			return len(evs) > 0 && evs[len(evs)-1].Kind == ha.Deposed
		})
		if r := evs[len(evs)-1].Reason; r != "resigned" {
			t.Errorf("deposed for %q", r)
		}
		var next ha.Event
		waitFor(t, patient, "the next leader", func() bool {
			_, ev, ok := tl.lastElected(l.cfg.Self.HAID)
			next = ev
			return ok && ev.At.After(started) && len(leaders(els...)) == 1
		})
		t.Logf("hand-over after Resign: %s", next.At.Sub(started).Round(time.Millisecond))
	}
	if order[0] == order[1] || order[1] == order[2] || order[0] == order[2] || order[3] != order[0] {
		t.Fatalf("leaders in turn %v; want three distinct, then the first again", order)
	}
}

// testExpiry freezes the leader's traffic like a SIGSTOP: it must depose
// itself before the servers expire its session and elect another, then come
// back as a candidate on a new session.
func testExpiry(t *testing.T, zks *zookeeper.Ensemble) {
	tl := &timeline{}
	defer tl.check(t)
	cluster := clusterID()
	proxy := zookeeper.NewProxy(t, zks.Addrs()...)
	a := start(t, tl, cluster, "rm1", []string{proxy.Addr()}, session)
	waitFor(t, patient, "rm1 leads", a.IsLeader)
	b := start(t, tl, cluster, "rm2", zks.Addrs(), session)
	c := start(t, tl, cluster, "rm3", zks.Addrs(), session)
	waitFor(t, patient, "the standbys name rm1", func() bool {
		lb, _ := b.Leader()
		lc, _ := c.Leader()
		return lb.HAID == "rm1" && lc.HAID == "rm1"
	})

	frozen := time.Now()
	proxy.Freeze()
	waitFor(t, patient, "rm1 deposes itself", func() bool { return !a.IsLeader() })
	waitFor(t, patient, "another leader", func() bool { return len(leaders(b, c)) == 1 })
	evs := tl.events("rm1")
	waitFor(t, patient, "rm1's Deposed event", func() bool {
		evs = tl.events("rm1")
		return len(evs) == 2
	})
	dep := evs[1]
	if dep.Kind != ha.Deposed || !strings.Contains(dep.Reason, "disconnected") {
		t.Fatalf("rm1's events %+v", evs)
	}
	var (
		newID string
		won   ha.Event
	)
	waitFor(t, patient, "the new leader's Elected event", func() bool {
		var ok bool
		newID, won, ok = tl.lastElected("rm1")
		return ok
	})
	t.Logf("session %s: frozen leader deposed itself after %s; %s elected after %s",
		session, dep.At.Sub(frozen).Round(time.Millisecond), newID, won.At.Sub(frozen).Round(time.Millisecond))

	proxy.Thaw()
	waitFor(t, patient, "rm1 back on a new session, naming the new leader", func() bool {
		l, ok := a.Leader()
		return a.ConnState() == ha.Connected && ok && l.HAID == newID
	})
	names, _, err := b.conn.Children(b.cfg.ElectionPath())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 3 {
		t.Fatalf("candidates after rm1 rejoined: %v", names)
	}
	if a.IsLeader() || len(leaders(a, b, c)) != 1 {
		t.Fatal("not exactly one leader after rm1 rejoined")
	}
}

// testServerRestart restarts every ZooKeeper server in turn (the ensemble's
// leader too): sessions survive, so nobody is deposed.
func testServerRestart(t *testing.T, zks *zookeeper.Ensemble) {
	tl := &timeline{}
	defer tl.check(t)
	cluster := clusterID()
	var els []*Elector
	for _, id := range []string{"rm1", "rm2", "rm3"} {
		cfg := DefaultConfig()
		cfg.Servers, cfg.ClusterID, cfg.SessionTimeout = zks.Addrs(), cluster, 9*time.Second
		cfg.DisconnectGrace = 2900 * time.Millisecond // an ensemble re-election takes a moment
		cfg.Self = ha.Candidate{HAID: id}
		els = append(els, startCfg(t, tl, cfg))
	}
	waitFor(t, patient, "one leader", func() bool { return len(leaders(els...)) == 1 })
	leader := leaders(els...)[0]
	order := []int{}
	zkLeader := zks.WaitLeader(-1)
	for i := range zks.Servers { // followers first, then the ensemble's leader
		if i != zkLeader {
			order = append(order, i)
		}
	}
	order = append(order, zkLeader)
	for _, i := range order {
		zks.Restart(i)
		waitFor(t, patient, "every elector connected", func() bool {
			for _, e := range els {
				if e.ConnState() != ha.Connected {
					return false
				}
			}
			return true
		})
	}
	for _, e := range els {
		for _, ev := range tl.events(e.cfg.Self.HAID) {
			if ev.Kind == ha.Deposed {
				t.Errorf("%s deposed: %s", e.cfg.Self.HAID, ev.Reason)
			}
		}
	}
	if l := leaders(els...); len(l) != 1 || l[0] != leader {
		t.Fatal("the leader changed across ZooKeeper restarts")
	}
}

// testVanishedNode: whoever deletes the leader's node ends its term at once;
// the elector then campaigns again with a new node. (The leader and its
// successor learn of the deletion from the same server at the same moment,
// so their terms may overlap by a round trip; the store's epoch fences the
// old leader. Only an operator deletes a live candidate's node.)
func testVanishedNode(t *testing.T, zks *zookeeper.Ensemble) {
	tl := &timeline{}
	defer tl.checkEach(t)
	els := three(t, tl, zks)
	l := leaders(els...)[0]
	l.mu.Lock()
	node := l.node
	l.mu.Unlock()
	other := els[0]
	if other == l {
		other = els[1]
	}
	if err := other.conn.Delete(node, -1); err != nil { // an RM's credentials may
		t.Fatal(err)
	}
	waitFor(t, patient, "a new leader", func() bool {
		n := leaders(els...)
		return len(n) == 1 && n[0] != l
	})
	evs := tl.events(l.cfg.Self.HAID)
	waitFor(t, patient, "the old leader's Deposed event", func() bool {
		evs = tl.events(l.cfg.Self.HAID)
		return len(evs) == 2
	})
	if evs[1].Reason != "candidate node vanished" {
		t.Errorf("deposed for %q", evs[1].Reason)
	}
	waitFor(t, patient, "three candidates again", func() bool {
		names, _, err := other.conn.Children(other.cfg.ElectionPath())
		return err == nil && len(names) == 3
	})
}

// testOtherSecret: an RM with another cluster secret may not campaign in
// this cluster's election.
func testOtherSecret(t *testing.T, zks *zookeeper.Ensemble) {
	tl := &timeline{}
	defer tl.check(t)
	cluster := clusterID()
	good := start(t, tl, cluster, "rm1", zks.Addrs(), session)
	waitFor(t, patient, "rm1 leads", good.IsLeader)
	cfg := good.cfg
	cfg.Self = ha.Candidate{HAID: "intruder"}
	bad, err := New(cfg, security.NewSecret([]byte("not-this-cluster-secret-0123")), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	waitFor(t, patient, "the intruder connected", func() bool { return bad.ConnState() == ha.Connected })
	waitFor(t, patient, "the intruder authenticated", func() bool {
		bad.mu.Lock()
		defer bad.mu.Unlock()
		return bad.authed
	})
	// What its campaign would do, the ACL refuses.
	_, err = bad.conn.Create(cfg.ElectionPath()+"/"+bad.prefix, bad.data, zk.FlagEphemeral|zk.FlagSequence, bad.acl)
	if !errors.Is(err, zk.ErrNoAuth) {
		t.Fatalf("intruder's candidate node: %v, want ErrNoAuth", err)
	}
	names, _, err := good.conn.Children(good.cfg.ElectionPath())
	if err != nil || len(names) != 1 || bad.IsLeader() || !good.IsLeader() {
		t.Fatalf("candidates %v (%v); intruder leads: %v", names, err, bad.IsLeader())
	}
}
