package api

// AppState is YARN's YarnApplicationState.
type AppState string

// Application states, as YARN names them.
const (
	AppNew       AppState = "NEW"
	AppNewSaving AppState = "NEW_SAVING"
	AppSubmitted AppState = "SUBMITTED"
	AppAccepted  AppState = "ACCEPTED"
	AppRunning   AppState = "RUNNING"
	AppFinished  AppState = "FINISHED"
	AppFailed    AppState = "FAILED"
	AppKilled    AppState = "KILLED"
)

// AppStates lists every application state in lifecycle order.
var AppStates = []AppState{AppNew, AppNewSaving, AppSubmitted, AppAccepted, AppRunning, AppFinished, AppFailed, AppKilled}

// Terminal reports whether no further transition leaves s.
func (s AppState) Terminal() bool { return s == AppFinished || s == AppFailed || s == AppKilled }

// FinalStatus is YARN's FinalApplicationStatus: the outcome an application
// master reports when it unregisters.
type FinalStatus string

// Final statuses, as YARN names them.
const (
	FinalUndefined FinalStatus = "UNDEFINED"
	FinalSucceeded FinalStatus = "SUCCEEDED"
	FinalFailed    FinalStatus = "FAILED"
	FinalKilled    FinalStatus = "KILLED"
)

// FinalStatuses lists every final status.
var FinalStatuses = []FinalStatus{FinalUndefined, FinalSucceeded, FinalFailed, FinalKilled}

// AttemptState is YARN's RMAppAttemptState (without the internal *_SAVING steps).
type AttemptState string

// Attempt states, as YARN names them.
const (
	AttemptNew       AttemptState = "NEW"
	AttemptSubmitted AttemptState = "SUBMITTED"
	AttemptScheduled AttemptState = "SCHEDULED"
	AttemptAllocated AttemptState = "ALLOCATED"
	AttemptLaunched  AttemptState = "LAUNCHED"
	AttemptRunning   AttemptState = "RUNNING"
	AttemptFinishing AttemptState = "FINISHING"
	AttemptFinished  AttemptState = "FINISHED"
	AttemptFailed    AttemptState = "FAILED"
	AttemptKilled    AttemptState = "KILLED"
)

// Terminal reports whether no further transition leaves s.
func (s AttemptState) Terminal() bool {
	return s == AttemptFinished || s == AttemptFailed || s == AttemptKilled
}

// ContainerState is YARN's RMContainerState: the RM's view of a container.
type ContainerState string

// RM container states, as YARN names them.
const (
	ContainerNew       ContainerState = "NEW"
	ContainerAllocated ContainerState = "ALLOCATED"
	ContainerAcquired  ContainerState = "ACQUIRED"
	ContainerRunning   ContainerState = "RUNNING"
	ContainerCompleted ContainerState = "COMPLETED"
	ContainerExpired   ContainerState = "EXPIRED"
	ContainerReleased  ContainerState = "RELEASED"
	ContainerKilled    ContainerState = "KILLED"
)

// Terminal reports whether no further transition leaves s.
func (s ContainerState) Terminal() bool {
	switch s {
	case ContainerCompleted, ContainerExpired, ContainerReleased, ContainerKilled:
		return true
	}
	return false
}

// ContainerRunState is YARN's ContainerState as an NM reports it to the RM
// and to an AM: NEW, RUNNING or COMPLETE.
type ContainerRunState string

// Container run states, as YARN names them.
const (
	RunNew      ContainerRunState = "NEW"
	RunRunning  ContainerRunState = "RUNNING"
	RunComplete ContainerRunState = "COMPLETE"
)

// NMContainerState is the NM's detailed container state, as its REST API
// (/ws/v1/node/containers) names it.
type NMContainerState string

// NM container states, as YARN's NodeManager REST API names them.
const (
	NMContainerNew                NMContainerState = "NEW"
	NMContainerLocalizing         NMContainerState = "LOCALIZING"
	NMContainerLocalizationFailed NMContainerState = "LOCALIZATION_FAILED"
	NMContainerLocalized          NMContainerState = "LOCALIZED"
	NMContainerRunning            NMContainerState = "RUNNING"
	NMContainerExitedSuccess      NMContainerState = "EXITED_WITH_SUCCESS"
	NMContainerExitedFailure      NMContainerState = "EXITED_WITH_FAILURE"
	NMContainerKilling            NMContainerState = "KILLING"
	NMContainerCleanedUpAfterKill NMContainerState = "CONTAINER_CLEANEDUP_AFTER_KILL"
	NMContainerDone               NMContainerState = "DONE"
)

// NMAppState is the state of an application on one NM (/ws/v1/node/apps).
type NMAppState string

// NM application states, as YARN's NodeManager REST API names them.
const (
	NMAppNew       NMAppState = "NEW"
	NMAppIniting   NMAppState = "INITING"
	NMAppRunning   NMAppState = "RUNNING"
	NMAppFinishing NMAppState = "FINISHING_CONTAINERS_WAIT"
	NMAppCleanup   NMAppState = "APPLICATION_RESOURCES_CLEANINGUP"
	NMAppFinished  NMAppState = "FINISHED"
)

// NodeState is YARN's NodeState.
type NodeState string

// Node states, as YARN names them.
const (
	NodeNew             NodeState = "NEW"
	NodeRunning         NodeState = "RUNNING"
	NodeUnhealthy       NodeState = "UNHEALTHY"
	NodeDecommissioning NodeState = "DECOMMISSIONING"
	NodeDecommissioned  NodeState = "DECOMMISSIONED"
	NodeLost            NodeState = "LOST"
	NodeRebooted        NodeState = "REBOOTED"
	NodeShutdown        NodeState = "SHUTDOWN"
)

// NodeStates lists every node state.
var NodeStates = []NodeState{NodeNew, NodeRunning, NodeUnhealthy, NodeDecommissioning, NodeDecommissioned, NodeLost, NodeRebooted, NodeShutdown}

// Active reports whether a node in state s is still part of the cluster
// (YARN's "active" nodes: it heartbeats and may hold containers).
func (s NodeState) Active() bool {
	switch s {
	case NodeNew, NodeRunning, NodeUnhealthy, NodeDecommissioning:
		return true
	}
	return false
}

// HAState is a ResourceManager's high-availability state.
type HAState string

// HA states, as YARN names them.
const (
	HAInitializing HAState = "INITIALIZING"
	HAActive       HAState = "ACTIVE"
	HAStandby      HAState = "STANDBY"
	HAStopped      HAState = "STOPPED"
)

// Container exit statuses, as YARN's ContainerExitStatus defines them. Any
// other value is the exit code of the container's process.
const (
	ExitSuccess                  = 0
	ExitInvalid                  = -1000
	ExitAborted                  = -100
	ExitDisksFailed              = -101
	ExitPreempted                = -102
	ExitKilledExceededVMem       = -103
	ExitKilledExceededPMem       = -104
	ExitKilledByAppMaster        = -105
	ExitKilledByResourceManager  = -106
	ExitKilledAfterAppCompletion = -107
)

// Exit reasons: what a container's end comes to, from its exit status (the
// reason label of the daemons' completion metrics).
const (
	ExitReasonSuccess     = "success"      // exit status 0
	ExitReasonFailed      = "failed"       // the process exited non-zero (or was signalled)
	ExitReasonKilled      = "killed"       // stopped on request: by the AM, the RM, or at application end
	ExitReasonAborted     = "aborted"      // ABORTED: released, expired unused, lost with its node or by the runtime, stopped at NM shutdown
	ExitReasonPreempted   = "preempted"    // PREEMPTED
	ExitReasonOOM         = "oom"          // killed over its physical or virtual memory limit
	ExitReasonDisksFailed = "disks_failed" // DISKS_FAILED
	ExitReasonInvalid     = "invalid"      // INVALID: never ran (localization or launch failed)
)

// ExitReasons lists every exit reason.
var ExitReasons = []string{ExitReasonSuccess, ExitReasonFailed, ExitReasonKilled, ExitReasonAborted,
	ExitReasonPreempted, ExitReasonOOM, ExitReasonDisksFailed, ExitReasonInvalid}

// ExitReason maps a YARN container exit status to its exit reason.
func ExitReason(status int) string {
	switch status {
	case ExitSuccess:
		return ExitReasonSuccess
	case ExitKilledByAppMaster, ExitKilledByResourceManager, ExitKilledAfterAppCompletion:
		return ExitReasonKilled
	case ExitAborted:
		return ExitReasonAborted
	case ExitPreempted:
		return ExitReasonPreempted
	case ExitKilledExceededPMem, ExitKilledExceededVMem:
		return ExitReasonOOM
	case ExitDisksFailed:
		return ExitReasonDisksFailed
	case ExitInvalid:
		return ExitReasonInvalid
	}
	return ExitReasonFailed
}

// LogAggregationStatus is YARN's LogAggregationStatus: how far the upload of
// an application's container logs to the remote log dir has come, per node
// (an NM's report) or for the whole application (the RM's combination).
type LogAggregationStatus string

// Log aggregation statuses, as YARN names them.
const (
	LogAggDisabled           LogAggregationStatus = "DISABLED"
	LogAggNotStart           LogAggregationStatus = "NOT_START"
	LogAggRunning            LogAggregationStatus = "RUNNING"
	LogAggRunningWithFailure LogAggregationStatus = "RUNNING_WITH_FAILURE"
	LogAggSucceeded          LogAggregationStatus = "SUCCEEDED"
	LogAggFailed             LogAggregationStatus = "FAILED"
	LogAggTimeOut            LogAggregationStatus = "TIME_OUT"
)

// Final reports whether no further change is expected.
func (s LogAggregationStatus) Final() bool {
	return s == LogAggSucceeded || s == LogAggFailed || s == LogAggTimeOut || s == LogAggDisabled
}
