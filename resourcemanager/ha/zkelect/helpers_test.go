package zkelect

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/ha"
)

var secret = security.NewSecret([]byte("0123456789abcdef-elector-test"))

var clusters atomic.Int64

func clusterID() string { return fmt.Sprintf("elect-%d", clusters.Add(1)) }

// start makes an elector for haID whose events feed tl; the test closes it.
func start(t testing.TB, tl *timeline, cluster, haID string, servers []string, session time.Duration) *Elector {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Servers, cfg.ClusterID, cfg.SessionTimeout = servers, cluster, session
	cfg.Self = ha.Candidate{HAID: haID, WebAddress: "127.0.0.1:80" + haID[len(haID)-1:], RPCAddress: "127.0.0.1:90" + haID[len(haID)-1:]}
	return startCfg(t, tl, cfg)
}

func startCfg(t testing.TB, tl *timeline, cfg Config) *Elector {
	t.Helper()
	level := zap.InfoLevel
	if _, bench := t.(*testing.B); bench {
		level = zap.ErrorLevel
	}
	log := zaptest.NewLogger(t, zaptest.Level(level))
	e, err := New(cfg, secret, log)
	if err != nil {
		t.Fatal(err)
	}
	followed := tl.follow(cfg.Self.HAID, e)
	t.Cleanup(func() {
		e.Close()
		<-followed // the event channel closed with the elector
	})
	return e
}

// waitFor polls cond every 10 ms until it holds or timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// record is one event as an elector delivered it.
type record struct {
	id string
	ev ha.Event
}

// timeline collects every elector's events and checks that no two
// electors' terms ever overlapped (by the electors' own decision times).
type timeline struct {
	mu      sync.Mutex
	records []record
	errs    []string
}

// follow reads el's events until its channel closes (when the elector is
// closed); the returned channel closes then.
func (tl *timeline) follow(id string, el ha.Elector) <-chan struct{} {
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		var cur ha.Event
		for ev := range el.Events() {
			tl.mu.Lock()
			switch {
			case ev.Kind == ha.Elected && cur.Kind == ha.Elected:
				tl.errs = append(tl.errs, fmt.Sprintf("%s: Elected twice without Deposed", id))
			case ev.Kind == ha.Deposed && (cur.Kind != ha.Elected || cur.Term != ev.Term):
				tl.errs = append(tl.errs, fmt.Sprintf("%s: Deposed term %d after %+v", id, ev.Term, cur))
			case ev.Kind == ha.Deposed:
				select {
				case <-cur.Done:
				default:
					tl.errs = append(tl.errs, fmt.Sprintf("%s: Deposed delivered before Done closed", id))
				}
			}
			cur = ev
			tl.records = append(tl.records, record{id, ev})
			tl.mu.Unlock()
		}
	}()
	return followed
}

// events returns id's events so far.
func (tl *timeline) events(id string) []ha.Event {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var out []ha.Event
	for _, r := range tl.records {
		if r.id == id {
			out = append(out, r.ev)
		}
	}
	return out
}

// lastElected is the latest Elected event of anyone but not, its elector.
func (tl *timeline) lastElected(not string) (string, ha.Event, bool) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for i := len(tl.records) - 1; i >= 0; i-- {
		if r := tl.records[i]; r.ev.Kind == ha.Elected && r.id != not {
			return r.id, r.ev, true
		}
	}
	return "", ha.Event{}, false
}

// checkEach fails the test if any elector's own event sequence was wrong.
func (tl *timeline) checkEach(t *testing.T) {
	t.Helper()
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for _, e := range tl.errs {
		t.Error(e)
	}
}

// check fails the test if any elector misbehaved or two terms overlapped.
func (tl *timeline) check(t *testing.T) {
	t.Helper()
	tl.checkEach(t)
	tl.mu.Lock()
	defer tl.mu.Unlock()
	type term struct {
		id         string
		start, end time.Time // zero end: still leading
	}
	var terms []term
	open := map[string]int{}
	for _, r := range tl.records {
		switch r.ev.Kind {
		case ha.Elected:
			open[r.id] = len(terms)
			terms = append(terms, term{id: r.id, start: r.ev.At})
		case ha.Deposed:
			if i, ok := open[r.id]; ok {
				terms[i].end = r.ev.At
				delete(open, r.id)
			}
		}
	}
	for i, a := range terms {
		for _, b := range terms[i+1:] {
			if a.id == b.id {
				continue
			}
			aEndsAfterB := a.end.IsZero() || a.end.After(b.start)
			bEndsAfterA := b.end.IsZero() || b.end.After(a.start)
			if aEndsAfterB && bEndsAfterA {
				t.Errorf("two leaders at once: %s %v–%v and %s %v–%v", a.id, a.start, a.end, b.id, b.start, b.end)
			}
		}
	}
}

// leaders returns the electors that lead now.
func leaders(els ...*Elector) []*Elector {
	var out []*Elector
	for _, e := range els {
		if e.IsLeader() {
			out = append(out, e)
		}
	}
	return out
}
