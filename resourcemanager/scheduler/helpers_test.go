package scheduler

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func appID(n int) api.ApplicationID {
	return api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: int32(n)}
}
func nodeID(n int) api.NodeID { return api.NodeID{Host: "nm" + strconv.Itoa(n), Port: 8041} }

// tree builds a config whose root has the given children.
func tree(children ...QueueConfig) Config {
	c := DefaultConfig()
	c.Root.Queues = children
	return c
}

func mustNew(t testing.TB, cfg Config) *Scheduler {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func mustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

// addNodes adds n nodes nodeID(0..n-1) of size r.
func addNodes(t testing.TB, s *Scheduler, n int, r api.Resource) {
	t.Helper()
	for i := range n {
		mustNil(t, s.AddNode(nodeID(i), r))
	}
}

// addApp adds app n to queue q submitted at t0+n seconds, with no AM demand.
func addApp(t testing.TB, s *Scheduler, n int, q string, prio int32) {
	t.Helper()
	mustNil(t, s.AddApp(AppSpec{ID: appID(n), Queue: q, User: "u", Priority: prio, SubmitTime: t0.Add(time.Duration(n) * time.Second)}))
}

// perApp counts placements by app sequence number.
func perApp(ps []Placement) map[int32]int {
	m := map[int32]int{}
	for _, p := range ps {
		m[p.App.Seq]++
	}
	return m
}

func perNode(ps []Placement) map[api.NodeID]int {
	m := map[api.NodeID]int{}
	for _, p := range ps {
		m[p.Node]++
	}
	return m
}

func queueInfo(t testing.TB, s *Scheduler, path string) QueueInfo {
	t.Helper()
	for _, q := range s.Queues() {
		if q.Path == path {
			return q
		}
	}
	t.Fatalf("no queue %s", path)
	return QueueInfo{}
}
