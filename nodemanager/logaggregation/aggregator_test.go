package logaggregation

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

// fakeStore fails the first failures Puts, then keeps what it is given.
type fakeStore struct {
	mu       sync.Mutex
	failures int
	puts     int
	objects  map[string][]byte
}

func (f *fakeStore) Put(_ context.Context, url string, r io.Reader, size int64, _ fs.FileMode) (objstore.Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	if f.failures > 0 {
		f.failures--
		return objstore.Info{}, errors.New("store unreachable")
	}
	data, err := io.ReadAll(r)
	if err != nil || int64(len(data)) != size {
		return objstore.Info{}, errors.New("short body")
	}
	if f.objects == nil {
		f.objects = map[string][]byte{}
	}
	f.objects[url] = data
	return objstore.Info{URL: url, Size: size}, nil
}

func waitStatus(t *testing.T, g *Aggregator, id api.ApplicationID, want api.LogAggregationStatus) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, _, _ := g.Status(id)
		if s == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %s, want %s", s, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newTest(t *testing.T, st *fakeStore, state StateStore, attempts int) *Aggregator {
	t.Helper()
	g, err := New(Config{RemoteDir: "s3://logs/agg", NodeID: api.NodeID{Host: "10.0.0.1", Port: 8040}, TempDir: t.TempDir(),
		Attempts: attempts, RetryMin: time.Millisecond, RetryMax: time.Millisecond}, Deps{Objects: st, State: state})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Close)
	return g
}

func testApp(t *testing.T) App {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "stdout"), []byte("out"), 0o644))
	return App{ID: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, User: "alice", FinishedAt: time.Now(),
		Containers: []Container{{ID: cid(t, "container_1_0001_01_000001"), LogDir: dir}}}
}

func TestAggregatorUploadsOneObjectPerNodeAndRetries(t *testing.T) {
	st := &fakeStore{failures: 2}
	g := newTest(t, st, nil, 4)
	app := testApp(t)
	g.Aggregate(app)
	g.Aggregate(app) // a second hand-over is ignored
	waitStatus(t, g, app.ID, api.LogAggSucceeded)
	want := "s3://logs/agg/alice/logs/application_1_0001/10.0.0.1_8040"
	st.mu.Lock()
	_, ok := st.objects[want]
	puts := st.puts
	st.mu.Unlock()
	if !ok || puts != 3 {
		t.Fatalf("objects %v after %d puts; want %s after 3", st.objects, puts, want)
	}
	reports, ack := g.Reports(false)
	if len(reports) != 1 || reports[0].Status != api.LogAggSucceeded {
		t.Fatalf("reports %+v", reports)
	}
	ack()
	if again, _ := g.Reports(false); len(again) != 0 {
		t.Errorf("acknowledged reports sent again: %+v", again)
	}
	if all, _ := g.Reports(true); len(all) != 1 {
		t.Errorf("a registration carries %d reports, want 1", len(all))
	}
	if entries, _ := os.ReadDir(g.cfg.TempDir); len(entries) != 0 {
		t.Errorf("temp files left: %v", entries)
	}
}

func TestAggregatorFailsAfterItsAttempts(t *testing.T) {
	st := &fakeStore{failures: 100}
	g := newTest(t, st, nil, 3)
	app := testApp(t)
	g.Aggregate(app)
	waitStatus(t, g, app.ID, api.LogAggFailed)
	if st.puts != 3 {
		t.Errorf("%d puts, want 3", st.puts)
	}
}

// An aggregation pending when the NodeManager died runs after the restart.
func TestAggregatorResumesAfterRestart(t *testing.T) {
	state, err := nmstate.Open(t.TempDir())
	must(t, err)
	app := testApp(t)
	rec := nmstate.LogAggregation{ID: app.ID, User: app.User, Status: api.LogAggRunning,
		Containers: []nmstate.LogDir{{ID: app.Containers[0].ID, Dir: app.Containers[0].LogDir}}}
	must(t, state.PutLogAggregation(rec))
	st := &fakeStore{}
	g := newTest(t, st, state, 2)
	must(t, g.Recover())
	waitStatus(t, g, app.ID, api.LogAggSucceeded)
	recs, err := state.LoadLogAggregations()
	must(t, err)
	if len(recs) != 1 || recs[0].Status != api.LogAggSucceeded {
		t.Fatalf("records %+v", recs)
	}
	g.Expire(time.Now().Add(4 * time.Hour))
	if recs, _ := state.LoadLogAggregations(); len(recs) != 0 {
		t.Errorf("expired records kept: %+v", recs)
	}
	if _, _, ok := g.Status(app.ID); ok {
		t.Error("expired status kept")
	}
}
