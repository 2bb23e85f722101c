package core

import (
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// app is the RM's record of an application.
type app struct {
	id          api.ApplicationID
	user        string
	sub         api.SubmissionContext
	ownsStaging bool   // its id was issued to its user (see issued)
	queue       string // full queue path
	state       api.AppState
	finalStatus api.FinalStatus
	diagnostics string
	submitTime  time.Time
	finishTime  time.Time
	maxAttempts int32
	attempts    []*attempt
	progress    float64
	// live containers of every attempt, by id
	live map[api.ContainerID]*container
	// nodes that ran a container of the app: told to clean up when it ends
	nodes map[api.NodeID]bool
	// log aggregation status per node that ran a container (not stored:
	// NMs re-report after a failover)
	logAgg map[api.NodeID]*nodeLogAgg
	// containers of older epochs this RM finished: never adopted again
	gone map[api.ContainerID]bool
	// aggregate resource use of finished containers
	memorySeconds, vcoreSeconds int64
	retired                     bool // terminal, no live containers, out of the scheduler
}

func (a *app) current() *attempt {
	if len(a.attempts) == 0 {
		return nil
	}
	return a.attempts[len(a.attempts)-1]
}

func (a *app) record() store.AppRecord {
	return store.AppRecord{
		ID: a.id, User: a.user, Submission: a.sub, Queue: a.queue, SubmitTime: a.submitTime, StartTime: a.submitTime,
		FinishTime: a.finishTime, State: a.state, FinalStatus: a.finalStatus, Diagnostics: a.diagnostics,
		OwnsStaging: a.ownsStaging,
	}
}

func (a *app) schedSpec() scheduler.AppSpec {
	return scheduler.AppSpec{ID: a.id, Queue: a.queue, User: a.user, Priority: a.sub.Priority, SubmitTime: a.submitTime}
}

// attempt is one run of an application's AM.
type attempt struct {
	id          api.AttemptID
	state       api.AttemptState
	am          *container // the AM container, once allocated
	amNode      api.NodeID
	amNodeHTTP  string
	startTime   time.Time
	finishTime  time.Time
	lastSeen    time.Time // last AM heartbeat (or launch)
	host        string
	rpcPort     int
	trackingURL string
	finalStatus api.FinalStatus
	diagnostics string
	exitStatus  int
	nextSeq     int64 // next container sequence number
	recovered   bool  // rebuilt from the store by this RM

	// finished are the attempt's containers that ended, most recent last,
	// at most maxFinishedPerAttempt: their logs stay on their NMs.
	finished []*container

	// AM-RM protocol state
	registered     bool
	responseID     int64
	lastResponse   *rpc.AllocateResponse
	newlyAllocated []*container
	completed      []rpc.ContainerStatus
	nodeUpdates    []rpc.NodeReport
}

func (t *attempt) record() store.AttemptRecord {
	r := store.AttemptRecord{
		ID: t.id, NodeID: t.amNode, NodeHTTP: t.amNodeHTTP, StartTime: t.startTime, FinishTime: t.finishTime,
		State: t.state, FinalStatus: t.finalStatus, ExitStatus: t.exitStatus, Diagnostics: t.diagnostics, TrackingURL: t.trackingURL,
	}
	if t.am != nil {
		r.AMContainerID = t.am.id
	}
	return r
}

// maxFinishedPerAttempt bounds the finished containers an attempt keeps
// for the UI.
const maxFinishedPerAttempt = 200

// container is the RM's record of a granted container.
type container struct {
	id          api.ContainerID
	app         *app
	node        api.NodeID
	nodeHTTP    string
	resource    api.Resource
	priority    int32
	am          bool
	state       api.ContainerState
	exitStatus  int
	diagnostics string
	allocated   time.Time
	started     time.Time
	finished    time.Time
	token       security.ContainerToken
}

func (ct *container) placement() scheduler.Placement {
	return scheduler.Placement{App: ct.app.id, Node: ct.node, Resource: ct.resource, Priority: ct.priority, AM: ct.am}
}

func (ct *container) rpc() rpc.Container {
	return rpc.Container{ID: ct.id, NodeID: ct.node, NodeHTTPAddress: ct.nodeHTTP, Resource: ct.resource, Priority: ct.priority, Token: ct.token}
}

func (ct *container) status() rpc.ContainerStatus {
	return rpc.ContainerStatus{ContainerID: ct.id, State: api.RunComplete, ExitStatus: ct.exitStatus,
		Diagnostics: ct.diagnostics, Resource: ct.resource, Priority: ct.priority}
}

// node is the RM's record of a NodeManager.
type node struct {
	id          api.NodeID
	httpAddress string
	total       api.Resource
	used        api.Resource
	state       api.NodeState
	healthy     bool
	health      string
	lastHealth  time.Time
	lastSeen    time.Time
	registered  time.Time
	nmStarted   int64
	version     string
	containers  map[api.ContainerID]*container

	responseID   int64
	lastResponse *rpc.NodeHeartbeatResponse
	toCleanup    []api.ContainerID
	appsCleanup  []api.ApplicationID
	completedAck []api.ContainerID
}
