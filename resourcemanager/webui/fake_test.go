package webui

import (
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

// fakeCore serves fixed snapshots.
type fakeCore struct {
	apps    []core.AppView // oldest first, as core.Apps returns them
	nodes   []core.NodeView
	metrics core.Metrics
	queues  []scheduler.QueueInfo
}

func (f *fakeCore) App(id api.ApplicationID) (core.AppView, bool) {
	for _, a := range f.apps {
		if a.ID == id {
			return a, true
		}
	}
	return core.AppView{}, false
}

func (f *fakeCore) Apps(keep func(*core.AppView) bool) []core.AppView {
	var out []core.AppView
	for _, a := range f.apps {
		if keep == nil || keep(&a) {
			out = append(out, a)
		}
	}
	return out
}

func (f *fakeCore) Nodes() []core.NodeView        { return f.nodes }
func (f *fakeCore) Metrics() core.Metrics         { return f.metrics }
func (f *fakeCore) Queues() []scheduler.QueueInfo { return f.queues }

var (
	t0   = time.Date(2026, 11, 21, 5, 28, 59, 0, time.UTC)
	now0 = t0.Add(3*time.Minute + 12*time.Second)
	app1 = api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 1}
	app2 = api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 2}
	att1 = api.AttemptID{App: app1, Attempt: 1}
	att2 = api.AttemptID{App: app2, Attempt: 1}
	nm1  = api.NodeID{Host: "nm1", Port: 45454}
	nm2  = api.NodeID{Host: "nm2", Port: 45454}
)

func cid(att api.AttemptID, seq int64) api.ContainerID {
	return api.ContainerID{Attempt: att, Epoch: 1, Seq: seq}
}

// newFake is a small cluster: app1 finished (SUCCEEDED), app2 running with
// an AM and one executor; two nodes, one LOST; a root with two leaves.
func newFake() *fakeCore {
	finished := core.AppView{
		ID: app1, User: "alice", Name: "SparkPi", Queue: "root.default", Type: "SPARK", State: api.AppFinished,
		FinalStatus: api.FinalSucceeded, Progress: 1, SubmitTime: t0, FinishTime: t0.Add(42 * time.Second),
		AMContainer: cid(att1, 1), AMNode: nm1, AMNodeHTTP: "nm1:8042",
		Attempts: []core.AttemptView{{ID: att1, State: api.AttemptFinished, FinalStatus: api.FinalSucceeded,
			AMContainer: cid(att1, 1), NodeID: nm1, NodeHTTP: "nm1:8042", StartTime: t0, FinishTime: t0.Add(42 * time.Second)}},
	}
	running := core.AppView{
		ID: app2, User: "bob", Name: "wordcount", Queue: "root.batch", Type: "SPARK", State: api.AppRunning,
		FinalStatus: api.FinalUndefined, Progress: 0.5, SubmitTime: t0.Add(time.Minute),
		AMContainer: cid(att2, 1), AMNode: nm2, AMNodeHTTP: "nm2:8042", Allocated: api.Res(2048, 2), RunningContainers: 2,
		Attempts: []core.AttemptView{{ID: att2, State: api.AttemptRunning, FinalStatus: api.FinalUndefined,
			AMContainer: cid(att2, 1), NodeID: nm2, NodeHTTP: "nm2:8042", StartTime: t0.Add(time.Minute),
			Containers: []core.ContainerView{
				{ID: cid(att2, 1), NodeID: nm2, NodeHTTP: "nm2:8042", Resource: api.Res(1024, 1), AM: true, State: api.ContainerRunning},
				{ID: cid(att2, 2), NodeID: nm1, NodeHTTP: "nm1:8042", Resource: api.Res(1024, 1), State: api.ContainerRunning},
			}}},
	}
	return &fakeCore{
		apps: []core.AppView{finished, running},
		nodes: []core.NodeView{
			{ID: nm1, HTTPAddress: "nm1:8042", State: api.NodeRunning, Total: api.Res(8192, 8), Used: api.Res(1024, 1),
				NumContainers: 1, Healthy: true, LastHeartbeat: now0.Add(-time.Second), LastHealthUpdate: t0},
			{ID: nm2, HTTPAddress: "nm2:8042", State: api.NodeLost, Total: api.Res(8192, 8), Healthy: false,
				HealthReport: "disk full", LastHeartbeat: t0},
		},
		metrics: core.Metrics{AppsSubmitted: 7, AppsCompleted: 3, AppsRunning: 1, AppsPending: 2, AppsFailed: 4, AppsKilled: 5,
			Total: api.Res(16384, 16), Allocated: api.Res(2048, 2), Available: api.Res(14336, 14), ContainersAllocated: 2,
			ContainersPending: 6, NodesByState: map[api.NodeState]int{api.NodeRunning: 1, api.NodeLost: 1}},
		queues: []scheduler.QueueInfo{
			{Path: "root", Name: "root", State: "RUNNING", Capacity: 100, MaxCapacity: 100, AbsoluteCapacity: 100,
				AbsoluteMaxCapacity: 100, AbsoluteUsedCapacity: 12.5, UsedCapacity: 12.5, Children: []string{"root.default", "root.batch"}},
			{Path: "root.default", Name: "default", Leaf: true, State: "RUNNING", Capacity: 60, MaxCapacity: 100,
				AbsoluteCapacity: 60, AbsoluteMaxCapacity: 100},
			{Path: "root.batch", Name: "batch", Leaf: true, State: "STOPPED", Capacity: 40, MaxCapacity: 50,
				AbsoluteCapacity: 40, AbsoluteMaxCapacity: 50, AbsoluteUsedCapacity: 12.5, UsedCapacity: 31.25,
				Used: api.Res(2048, 2), Containers: 2, AppsActive: 1},
		},
	}
}
