package core

import (
	"sort"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

// AppView is a consistent snapshot of one application.
type AppView struct {
	ID                api.ApplicationID
	User, Name, Queue string
	Type              string
	Tags              []string
	Priority          int32
	State             api.AppState
	FinalStatus       api.FinalStatus
	Diagnostics       string
	Progress          float64 // 0..1
	SubmitTime        time.Time
	FinishTime        time.Time
	MaxAttempts       int32
	// The current attempt's AM, when it has one.
	AMContainer       api.ContainerID
	AMNode            api.NodeID
	AMNodeHTTP        string
	AMHost            string
	AMRPCPort         int
	TrackingURL       string // as the AM reported it
	Allocated         api.Resource
	RunningContainers int
	MemorySeconds     int64
	VcoreSeconds      int64
	Attempts          []AttemptView
	// LogAggregation combines LogAggregationNodes (see CombineLogAggregation).
	LogAggregation      api.LogAggregationStatus
	LogAggregationNodes []NodeLogAggregation // by node
}

// AttemptView is a snapshot of one attempt.
type AttemptView struct {
	ID          api.AttemptID
	State       api.AttemptState
	FinalStatus api.FinalStatus
	AMContainer api.ContainerID
	NodeID      api.NodeID
	NodeHTTP    string
	StartTime   time.Time
	FinishTime  time.Time
	Diagnostics string
	ExitStatus  int
	Containers  []ContainerView // its live containers
	Finished    []ContainerView // its containers that ended (the latest 200), oldest first
}

// ContainerView is a snapshot of one live container.
type ContainerView struct {
	ID          api.ContainerID
	NodeID      api.NodeID
	NodeHTTP    string
	Resource    api.Resource
	Priority    int32
	AM          bool
	State       api.ContainerState
	ExitStatus  int
	Diagnostics string
	Allocated   time.Time
	Started     time.Time
	Finished    time.Time
}

// NodeView is a snapshot of one node.
type NodeView struct {
	ID               api.NodeID
	HTTPAddress      string
	State            api.NodeState
	Total, Used      api.Resource
	NumContainers    int
	Healthy          bool
	HealthReport     string
	LastHealthUpdate time.Time
	LastHeartbeat    time.Time
	Version          string
}

// Metrics are the cluster metrics of /ws/v1/cluster/metrics.
type Metrics struct {
	AppsSubmitted, AppsCompleted, AppsPending, AppsRunning, AppsFailed, AppsKilled int
	Total, Allocated, Available, Pending                                           api.Resource
	ContainersAllocated, ContainersPending                                         int
	NodesByState                                                                   map[api.NodeState]int
}

// App returns a snapshot of one application.
func (c *Core) App(id api.ApplicationID) (AppView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.apps[id]
	if !ok {
		return AppView{}, false
	}
	return c.appView(a, c.now()), true
}

// Apps returns snapshots of the applications keep accepts, by id.
func (c *Core) Apps(keep func(*AppView) bool) []AppView {
	c.mu.Lock()
	now := c.now()
	out := make([]AppView, 0, len(c.apps))
	for _, a := range c.apps {
		v := c.appView(a, now)
		if keep == nil || keep(&v) {
			out = append(out, v)
		}
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].ID, out[j].ID
		return a.ClusterTimestamp < b.ClusterTimestamp || a.ClusterTimestamp == b.ClusterTimestamp && a.Seq < b.Seq
	})
	return out
}

func (c *Core) appView(a *app, now time.Time) AppView {
	v := AppView{
		ID: a.id, User: a.user, Name: a.sub.Name, Queue: a.queue, Type: a.sub.ApplicationType,
		Tags: append([]string(nil), a.sub.Tags...), Priority: a.sub.Priority, State: a.state, FinalStatus: a.finalStatus,
		Diagnostics: a.diagnostics, Progress: a.progress, SubmitTime: a.submitTime, FinishTime: a.finishTime,
		MaxAttempts: a.maxAttempts, MemorySeconds: a.memorySeconds, VcoreSeconds: a.vcoreSeconds,
	}
	for _, ct := range a.live {
		v.Allocated = v.Allocated.Add(ct.resource)
		v.RunningContainers++
		mem, vc := resourceSeconds(ct, now)
		v.MemorySeconds += mem
		v.VcoreSeconds += vc
	}
	if att := a.current(); att != nil {
		if att.am != nil {
			v.AMContainer = att.am.id
		}
		v.AMNode, v.AMNodeHTTP, v.AMHost, v.AMRPCPort, v.TrackingURL = att.amNode, att.amNodeHTTP, att.host, att.rpcPort, att.trackingURL
	}
	for _, att := range a.attempts {
		v.Attempts = append(v.Attempts, attemptView(a, att))
	}
	v.LogAggregation, v.LogAggregationNodes = c.logAggView(a, now)
	return v
}

func sortNodeLogAgg(ns []NodeLogAggregation) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].Node.String() < ns[j].Node.String() })
}

func attemptView(a *app, att *attempt) AttemptView {
	v := AttemptView{
		ID: att.id, State: att.state, FinalStatus: att.finalStatus, NodeID: att.amNode, NodeHTTP: att.amNodeHTTP,
		StartTime: att.startTime, FinishTime: att.finishTime, Diagnostics: att.diagnostics, ExitStatus: att.exitStatus,
	}
	if att.am != nil {
		v.AMContainer = att.am.id
	}
	for _, ct := range a.live {
		if ct.id.Attempt == att.id {
			v.Containers = append(v.Containers, containerView(ct))
		}
	}
	sort.Slice(v.Containers, func(i, j int) bool { return v.Containers[i].ID.Seq < v.Containers[j].ID.Seq })
	for _, ct := range att.finished {
		v.Finished = append(v.Finished, containerView(ct))
	}
	return v
}

func containerView(ct *container) ContainerView {
	return ContainerView{
		ID: ct.id, NodeID: ct.node, NodeHTTP: ct.nodeHTTP, Resource: ct.resource, Priority: ct.priority, AM: ct.am,
		State: ct.state, ExitStatus: ct.exitStatus, Diagnostics: ct.diagnostics, Allocated: ct.allocated, Started: ct.started,
		Finished: ct.finished,
	}
}

// Node returns a snapshot of one node, active or not.
func (c *Core) Node(id api.NodeID) (NodeView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodeByID(id)
	if n == nil {
		return NodeView{}, false
	}
	return nodeView(n), true
}

// Nodes returns snapshots of every node, active and inactive, by id.
func (c *Core) Nodes() []NodeView {
	c.mu.Lock()
	out := make([]NodeView, 0, len(c.nodes)+len(c.inactive))
	for _, n := range c.nodes {
		out = append(out, nodeView(n))
	}
	for _, n := range c.inactive {
		out = append(out, nodeView(n))
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out
}

func nodeView(n *node) NodeView {
	return NodeView{
		ID: n.id, HTTPAddress: n.httpAddress, State: n.state, Total: n.total, Used: n.used, NumContainers: len(n.containers),
		Healthy: n.healthy, HealthReport: n.health, LastHealthUpdate: n.lastHealth, LastHeartbeat: n.lastSeen, Version: n.version,
	}
}

// Metrics returns the cluster metrics.
func (c *Core) Metrics() Metrics {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := Metrics{
		AppsSubmitted: c.stats.appsSubmitted, AppsCompleted: c.stats.appsCompleted,
		AppsFailed: c.stats.appsFailed, AppsKilled: c.stats.appsKilled,
		ContainersAllocated: len(c.containers), NodesByState: map[api.NodeState]int{},
	}
	for _, a := range c.apps {
		switch a.state {
		case api.AppNew, api.AppNewSaving, api.AppSubmitted, api.AppAccepted:
			m.AppsPending++
		case api.AppRunning:
			m.AppsRunning++
		}
		if !a.retired {
			_, n, pending := c.sched.AppUsage(a.id)
			m.ContainersPending += n
			m.Pending = m.Pending.Add(pending)
		}
	}
	for _, n := range c.nodes {
		m.NodesByState[n.state]++
	}
	for _, n := range c.inactive {
		m.NodesByState[n.state]++
	}
	m.Total, m.Allocated = c.sched.Cluster()
	m.Available = m.Total.Sub(m.Allocated)
	return m
}

// Queues returns the scheduler's queue tree.
func (c *Core) Queues() []scheduler.QueueInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sched.Queues()
}

// SchedulerLimits returns the minimum and maximum container size.
func (c *Core) SchedulerLimits() (minimum, maximum api.Resource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sched.MinimumAllocation(), c.sched.MaximumAllocation()
}

// Cluster returns the schedulable total and the allocated resources.
func (c *Core) Cluster() (total, used api.Resource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sched.Cluster()
}
