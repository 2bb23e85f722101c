package zkelect

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/resourcemanager/ha"
	"github.com/goyarn/goyarn/resourcemanager/ha/zkconn"
	"github.com/goyarn/goyarn/test/zookeeper"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	session = 3 * time.Second // ensemble tickTime 200 ms allows 0.4–60 s
	patient = 30 * time.Second
)

func TestConfigValidate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Self.HAID = "rm1"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("default config with an ha id: %v", err)
	}
	bad := Config{DisconnectGrace: 2 * time.Second, Self: ha.Candidate{HAID: "rm/1"}}
	bad.SessionTimeout = 3 * time.Second
	err := bad.Validate()
	if !errors.Is(err, zkconn.ErrConfig) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"no ZooKeeper servers", "cluster id", "ha id", "disconnect grace"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not report %q: %v", want, err)
		}
	}
}

// TestElectionOnEnsemble runs the election on a real 3-server ensemble;
// every subtest has its own cluster id.
func TestElectionOnEnsemble(t *testing.T) {
	zks := zookeeper.Start(t, zookeeper.Options{Servers: 3})
	t.Run("OneLeaderAmongThree", func(t *testing.T) { testOneLeader(t, zks) })
	t.Run("ClosedLeaderIsReplaced", func(t *testing.T) { testCloseHandsOver(t, zks) })
	t.Run("ResignHandsOver", func(t *testing.T) { testResign(t, zks) })
	t.Run("VanishedNodeDeposes", func(t *testing.T) { testVanishedNode(t, zks) })
	t.Run("OtherSecretCannotCampaign", func(t *testing.T) { testOtherSecret(t, zks) })
	t.Run("ExpiredLeaderIsDeposedAndRejoins", func(t *testing.T) { testExpiry(t, zks) })
	t.Run("ServerRestartsDeposeNobody", func(t *testing.T) { testServerRestart(t, zks) })
}

func three(t *testing.T, tl *timeline, zks *zookeeper.Ensemble) []*Elector {
	cluster := clusterID()
	var els []*Elector
	for _, id := range []string{"rm1", "rm2", "rm3"} {
		els = append(els, start(t, tl, cluster, id, zks.Addrs(), session))
	}
	waitFor(t, patient, "one leader that every elector names", func() bool {
		l := leaders(els...)
		if len(l) != 1 {
			return false
		}
		for _, e := range els {
			if c, ok := e.Leader(); !ok || c != l[0].cfg.Self {
				return false
			}
		}
		return true
	})
	return els
}

func testOneLeader(t *testing.T, zks *zookeeper.Ensemble) {
	tl := &timeline{}
	defer tl.check(t)
	els := three(t, tl, zks)
	for _, e := range els {
		if e.ConnState() != ha.Connected {
			t.Errorf("%s: connection state %s", e.cfg.Self.HAID, e.ConnState())
		}
	}
	l := leaders(els...)[0]
	if c, _ := l.Leader(); c.WebAddress == "" || c.RPCAddress == "" {
		t.Errorf("leader info lacks addresses: %+v", c)
	}
	var evs []ha.Event
	waitFor(t, patient, "the leader's Elected event", func() bool {
		evs = tl.events(l.cfg.Self.HAID)
		return len(evs) > 0
	})
	if len(evs) != 1 || evs[0].Kind != ha.Elected || evs[0].Term != 1 {
		t.Errorf("leader's events: %+v", evs)
	}
}

func testCloseHandsOver(t *testing.T, zks *zookeeper.Ensemble) {
	tl := &timeline{}
	defer tl.check(t)
	els := three(t, tl, zks)
	old := leaders(els...)[0]
	oldID := old.cfg.Self.HAID
	started := time.Now()
	old.Close()
	if old.IsLeader() || old.ConnState() != ha.Closed {
		t.Fatal("a closed elector still leads or is open")
	}
	var next ha.Event
	waitFor(t, patient, "another leader after the leader closed its session", func() bool {
		_, ev, ok := tl.lastElected(oldID)
		next = ev
		return ok && ev.At.After(started)
	})
	t.Logf("hand-over after the leader closed its session: %s", next.At.Sub(started).Round(time.Millisecond))
	waitFor(t, patient, "the survivors agree on the new leader", func() bool {
		var live []*Elector
		for _, e := range els {
			if e != old {
				live = append(live, e)
			}
		}
		l := leaders(live...)
		if len(l) != 1 {
			return false
		}
		for _, e := range live {
			if c, _ := e.Leader(); c != l[0].cfg.Self {
				return false
			}
		}
		return true
	})
}
