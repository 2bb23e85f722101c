package lifecycle

import "github.com/goyarn/goyarn/api"

// AppEvent is an event in an application's life.
type AppEvent string

// Application events.
const (
	AppStart             AppEvent = "START"              // submission received
	AppSaved             AppEvent = "APP_SAVED"          // submission stored
	AppAccepted          AppEvent = "APP_ACCEPTED"       // admitted to a queue
	AppRejected          AppEvent = "APP_REJECTED"       // refused by the scheduler
	AppAttemptRegistered AppEvent = "ATTEMPT_REGISTERED" // the AM registered
	AppAttemptUnregister AppEvent = "ATTEMPT_UNREGISTERED"
	AppAttemptFailed     AppEvent = "ATTEMPT_FAILED" // an attempt failed and another follows
	AppFailed            AppEvent = "APP_FAILED"     // an attempt failed and none is left
	AppKill              AppEvent = "KILL"
)

// App is the application state machine (YARN's RMAppImpl, without the
// internal saving states).
var App = NewTable[api.AppState, AppEvent]("application",
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppNew}, Event: AppStart, To: api.AppNewSaving},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppNewSaving}, Event: AppSaved, To: api.AppSubmitted},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppSubmitted}, Event: AppAccepted, To: api.AppAccepted},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppNewSaving, api.AppSubmitted}, Event: AppRejected, To: api.AppFailed},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppAccepted}, Event: AppAttemptRegistered, To: api.AppRunning},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppRunning}, Event: AppAttemptUnregister, To: api.AppFinished},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppAccepted, api.AppRunning}, Event: AppAttemptFailed, To: api.AppAccepted},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppAccepted, api.AppRunning}, Event: AppFailed, To: api.AppFailed},
	Row[api.AppState, AppEvent]{From: []api.AppState{api.AppNew, api.AppNewSaving, api.AppSubmitted, api.AppAccepted, api.AppRunning}, Event: AppKill, To: api.AppKilled},
)

// AttemptEvent is an event in an application attempt's life.
type AttemptEvent string

// Attempt events.
const (
	AttemptStart           AttemptEvent = "START"
	AttemptScheduled       AttemptEvent = "AM_REQUESTED"  // AM container asked of the scheduler
	AttemptAllocated       AttemptEvent = "AM_ALLOCATED"  // AM container placed
	AttemptLaunched        AttemptEvent = "AM_LAUNCHED"   // NM accepted the AM container
	AttemptLaunchFailed    AttemptEvent = "LAUNCH_FAILED" // NM refused or was unreachable
	AttemptRegistered      AttemptEvent = "REGISTERED"
	AttemptUnregistered    AttemptEvent = "UNREGISTERED"
	AttemptContainerExited AttemptEvent = "AM_CONTAINER_FINISHED"
	AttemptExpired         AttemptEvent = "EXPIRE" // AM stopped heartbeating
	AttemptKill            AttemptEvent = "KILL"
)

var attemptLive = []api.AttemptState{api.AttemptNew, api.AttemptSubmitted, api.AttemptScheduled, api.AttemptAllocated,
	api.AttemptLaunched, api.AttemptRunning, api.AttemptFinishing}

// Attempt is the application-attempt state machine (YARN's RMAppAttemptImpl).
var Attempt = NewTable[api.AttemptState, AttemptEvent]("attempt",
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptNew}, Event: AttemptStart, To: api.AttemptSubmitted},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptSubmitted}, Event: AttemptScheduled, To: api.AttemptScheduled},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptScheduled}, Event: AttemptAllocated, To: api.AttemptAllocated},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptAllocated}, Event: AttemptLaunched, To: api.AttemptLaunched},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptAllocated}, Event: AttemptLaunchFailed, To: api.AttemptFailed},
	// An AM may register before the launcher hears back from the NM.
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptAllocated, api.AttemptLaunched}, Event: AttemptRegistered, To: api.AttemptRunning},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptRunning}, Event: AttemptUnregistered, To: api.AttemptFinishing},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptAllocated, api.AttemptLaunched, api.AttemptRunning}, Event: AttemptContainerExited, To: api.AttemptFailed},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptFinishing}, Event: AttemptContainerExited, To: api.AttemptFinished},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptAllocated, api.AttemptLaunched, api.AttemptRunning}, Event: AttemptExpired, To: api.AttemptFailed},
	Row[api.AttemptState, AttemptEvent]{From: []api.AttemptState{api.AttemptFinishing}, Event: AttemptExpired, To: api.AttemptFinished},
	Row[api.AttemptState, AttemptEvent]{From: attemptLive, Event: AttemptKill, To: api.AttemptKilled},
)

// ContainerEvent is an event in the RM's view of a container.
type ContainerEvent string

// Container events.
const (
	ContainerAcquire  ContainerEvent = "ACQUIRED"  // handed to the AM (or to the AM launcher)
	ContainerLaunch   ContainerEvent = "LAUNCHED"  // an NM reports it running
	ContainerFinish   ContainerEvent = "FINISHED"  // an NM reports it complete
	ContainerRelease  ContainerEvent = "RELEASED"  // the AM gave it back
	ContainerExpire   ContainerEvent = "EXPIRE"    // allocated but never started in time
	ContainerKillIt   ContainerEvent = "KILL"      // app killed, attempt failed, node lost
	ContainerRecover  ContainerEvent = "RECOVER"   // reported running by an NM after an RM restart
	ContainerAllocate ContainerEvent = "ALLOCATED" // placed by the scheduler
)

var containerLive = []api.ContainerState{api.ContainerAllocated, api.ContainerAcquired, api.ContainerRunning}

// Container is the RM container state machine (YARN's RMContainerImpl).
var Container = NewTable[api.ContainerState, ContainerEvent]("container",
	Row[api.ContainerState, ContainerEvent]{From: []api.ContainerState{api.ContainerNew}, Event: ContainerAllocate, To: api.ContainerAllocated},
	Row[api.ContainerState, ContainerEvent]{From: []api.ContainerState{api.ContainerNew}, Event: ContainerRecover, To: api.ContainerRunning},
	Row[api.ContainerState, ContainerEvent]{From: []api.ContainerState{api.ContainerAllocated}, Event: ContainerAcquire, To: api.ContainerAcquired},
	Row[api.ContainerState, ContainerEvent]{From: []api.ContainerState{api.ContainerAllocated, api.ContainerAcquired}, Event: ContainerLaunch, To: api.ContainerRunning},
	Row[api.ContainerState, ContainerEvent]{From: containerLive, Event: ContainerFinish, To: api.ContainerCompleted},
	Row[api.ContainerState, ContainerEvent]{From: containerLive, Event: ContainerRelease, To: api.ContainerReleased},
	Row[api.ContainerState, ContainerEvent]{From: []api.ContainerState{api.ContainerAllocated, api.ContainerAcquired}, Event: ContainerExpire, To: api.ContainerExpired},
	Row[api.ContainerState, ContainerEvent]{From: containerLive, Event: ContainerKillIt, To: api.ContainerKilled},
)

// NodeEvent is an event in a node's life.
type NodeEvent string

// Node events.
const (
	NodeStarted        NodeEvent = "STARTED" // first heartbeat after registration
	NodeBecameHealthy  NodeEvent = "HEALTHY"
	NodeBecameSick     NodeEvent = "UNHEALTHY"
	NodeExpire         NodeEvent = "EXPIRE" // missed heartbeats past the expiry interval
	NodeShutdownEv     NodeEvent = "SHUTDOWN"
	NodeRebootEv       NodeEvent = "REBOOTING" // heartbeats out of sync: told to resync
	NodeDecommission   NodeEvent = "GRACEFUL_DECOMMISSION"
	NodeDecommissioned NodeEvent = "DECOMMISSION"
	NodeRecommission   NodeEvent = "RECOMMISSION"
)

var nodeActive = []api.NodeState{api.NodeNew, api.NodeRunning, api.NodeUnhealthy, api.NodeDecommissioning}

// Node is the node state machine (YARN's RMNodeImpl).
var Node = NewTable[api.NodeState, NodeEvent]("node",
	Row[api.NodeState, NodeEvent]{From: []api.NodeState{api.NodeNew}, Event: NodeStarted, To: api.NodeRunning},
	Row[api.NodeState, NodeEvent]{From: []api.NodeState{api.NodeUnhealthy}, Event: NodeBecameHealthy, To: api.NodeRunning},
	Row[api.NodeState, NodeEvent]{From: []api.NodeState{api.NodeNew, api.NodeRunning}, Event: NodeBecameSick, To: api.NodeUnhealthy},
	Row[api.NodeState, NodeEvent]{From: nodeActive, Event: NodeExpire, To: api.NodeLost},
	Row[api.NodeState, NodeEvent]{From: nodeActive, Event: NodeShutdownEv, To: api.NodeShutdown},
	Row[api.NodeState, NodeEvent]{From: []api.NodeState{api.NodeRunning, api.NodeUnhealthy}, Event: NodeRebootEv, To: api.NodeRebooted},
	Row[api.NodeState, NodeEvent]{From: []api.NodeState{api.NodeRunning, api.NodeUnhealthy}, Event: NodeDecommission, To: api.NodeDecommissioning},
	Row[api.NodeState, NodeEvent]{From: []api.NodeState{api.NodeNew, api.NodeRunning, api.NodeUnhealthy, api.NodeDecommissioning}, Event: NodeDecommissioned, To: api.NodeDecommissioned},
	Row[api.NodeState, NodeEvent]{From: []api.NodeState{api.NodeDecommissioning}, Event: NodeRecommission, To: api.NodeRunning},
)
