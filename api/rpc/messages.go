package rpc

import (
	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/security"
)

// Paths of the RM's internal RPC endpoints.
const (
	PathNodeRegister   = "/rpc/v1/node/register"
	PathNodeHeartbeat  = "/rpc/v1/node/heartbeat"
	PathNodeUnregister = "/rpc/v1/node/unregister"
	PathAMRegister     = "/rpc/v1/am/register"
	PathAMAllocate     = "/rpc/v1/am/allocate"
	PathAMFinish       = "/rpc/v1/am/finish"
)

// Paths of the NM's container management endpoints.
const (
	PathContainersStart  = "/rpc/v1/containers/start"
	PathContainersStop   = "/rpc/v1/containers/stop"
	PathContainersStatus = "/rpc/v1/containers/status"
)

// NodeAction tells an NM what to do after a register or heartbeat.
type NodeAction string

// Node actions, as YARN's NodeAction.
const (
	ActionNormal   NodeAction = "NORMAL"
	ActionResync   NodeAction = "RESYNC"   // register again
	ActionShutdown NodeAction = "SHUTDOWN" // stop the NM
)

// ContainerStatus is an NM's report of one container.
type ContainerStatus struct {
	ContainerID api.ContainerID       `json:"containerId"`
	State       api.ContainerRunState `json:"state"`
	// ExitStatus is the process exit code or one of api.Exit*; api.ExitInvalid
	// while the container runs.
	ExitStatus  int          `json:"exitStatus"`
	Diagnostics string       `json:"diagnostics,omitempty"`
	Resource    api.Resource `json:"resource"`
	Priority    int32        `json:"priority,omitempty"`
}

// NodeHealth is an NM's view of its own health.
type NodeHealth struct {
	Healthy    bool   `json:"healthy"`
	Report     string `json:"report,omitempty"`
	LastReport int64  `json:"lastReport"` // ms since the epoch
}

// RegisterNodeRequest registers (or re-registers) an NM with the RM.
type RegisterNodeRequest struct {
	NodeID      api.NodeID   `json:"nodeId"`
	HTTPAddress string       `json:"httpAddress"` // host:port of the NM web API
	Total       api.Resource `json:"total"`
	Version     string       `json:"version"`
	StartedAt   int64        `json:"startedAt"` // NM start, ms since the epoch
	// Containers are the containers the NM runs (or ran and has not yet
	// reported), so an RM can rebuild its view after an NM or RM restart.
	Containers []ContainerStatus `json:"containers,omitempty"`
	Health     NodeHealth        `json:"health"`
	// LogAggregationReports are the NM's log aggregation statuses of the
	// applications it still remembers, so a new active RM learns them.
	LogAggregationReports []LogAggregationReport `json:"logAggregationReports,omitempty"`
}

// LogAggregationReport is an NM's log aggregation status of one application
// (YARN's LogAggregationReport).
type LogAggregationReport struct {
	ApplicationID api.ApplicationID        `json:"applicationId"`
	Status        api.LogAggregationStatus `json:"logAggregationStatus"`
	Diagnostics   string                   `json:"diagnosticMessage,omitempty"`
}

// RegisterNodeResponse answers RegisterNodeRequest.
type RegisterNodeResponse struct {
	Action              NodeAction `json:"action"`
	RMIdentifier        int64      `json:"rmIdentifier"`
	HeartbeatIntervalMs int64      `json:"heartbeatIntervalMs"`
	Diagnostics         string     `json:"diagnostics,omitempty"`
	// WebAddresses are the RMs' web addresses (host:port), so an NM can send
	// readers of aggregated logs to the RM's log page (yarn.log.server.url).
	WebAddresses []string `json:"webAddresses,omitempty"`
}

// NodeHeartbeatRequest is an NM's periodic report.
type NodeHeartbeatRequest struct {
	NodeID api.NodeID `json:"nodeId"`
	// ResponseID is the id of the last heartbeat response the NM received.
	ResponseID int64             `json:"responseId"`
	Containers []ContainerStatus `json:"containers,omitempty"`
	Health     NodeHealth        `json:"health"`
	// LogAggregationReports carry the statuses that changed since the last
	// heartbeat the RM answered.
	LogAggregationReports []LogAggregationReport `json:"logAggregationReports,omitempty"`
}

// NodeHeartbeatResponse answers a heartbeat with work for the NM.
type NodeHeartbeatResponse struct {
	ResponseID          int64               `json:"responseId"`
	Action              NodeAction          `json:"action"`
	ContainersToCleanup []api.ContainerID   `json:"containersToCleanup,omitempty"`
	AppsToCleanup       []api.ApplicationID `json:"appsToCleanup,omitempty"`
	// ContainersCompletedAck lists completed containers the RM has recorded,
	// so the NM can stop reporting them.
	ContainersCompletedAck []api.ContainerID `json:"containersCompletedAck,omitempty"`
	HeartbeatIntervalMs    int64             `json:"heartbeatIntervalMs"`
	Diagnostics            string            `json:"diagnostics,omitempty"`
}

// UnregisterNodeRequest tells the RM an NM is shutting down.
type UnregisterNodeRequest struct {
	NodeID api.NodeID `json:"nodeId"`
}

// Empty is the body of calls that return nothing.
type Empty struct{}

// RegisterAMRequest registers an application master for its attempt.
type RegisterAMRequest struct {
	AttemptID   api.AttemptID `json:"attemptId"`
	Host        string        `json:"host"`
	RPCPort     int           `json:"rpcPort"`
	TrackingURL string        `json:"trackingUrl,omitempty"`
}

// RegisterAMResponse answers RegisterAMRequest.
type RegisterAMResponse struct {
	MaximumCapability api.Resource `json:"maximumCapability"`
	MinimumCapability api.Resource `json:"minimumCapability"`
	Queue             string       `json:"queue"`
	User              string       `json:"user"`
	// ContainersFromPreviousAttempts are containers still running for the
	// application when the attempt registers (after an RM failover, its own).
	ContainersFromPreviousAttempts []Container `json:"containersFromPreviousAttempts,omitempty"`
}

// ResourceRequest asks for NumContainers containers of one size at one
// priority. As in YARN, a request replaces the outstanding request with the
// same priority and capability: it is a total, not an increment.
type ResourceRequest struct {
	Priority      int32        `json:"priority"`
	ResourceName  string       `json:"resourceName"` // "*": any node
	Capability    api.Resource `json:"capability"`
	NumContainers int32        `json:"numContainers"`
}

// AllocateRequest is an AM's heartbeat: asks and releases in.
type AllocateRequest struct {
	AttemptID api.AttemptID `json:"attemptId"`
	// ResponseID is the id of the last allocate response the AM received
	// (0 before the first). Sending the previous id again gets the previous
	// response again, so a lost response loses no containers.
	ResponseID int64             `json:"responseId"`
	Progress   float64           `json:"progress"` // 0..1
	Asks       []ResourceRequest `json:"asks,omitempty"`
	Releases   []api.ContainerID `json:"releases,omitempty"`
}

// AMCommand is an instruction from the RM to an AM.
type AMCommand string

// AM commands, as YARN's AMCommand.
const (
	AMResync   AMCommand = "AM_RESYNC"
	AMShutdown AMCommand = "AM_SHUTDOWN"
)

// Container is a granted container, with the token an NM needs to start it.
type Container struct {
	ID              api.ContainerID         `json:"id"`
	NodeID          api.NodeID              `json:"nodeId"`
	NodeHTTPAddress string                  `json:"nodeHttpAddress"`
	Resource        api.Resource            `json:"resource"`
	Priority        int32                   `json:"priority"`
	Token           security.ContainerToken `json:"token"`
}

// NodeReport tells an AM about a node whose state changed.
type NodeReport struct {
	NodeID api.NodeID    `json:"nodeId"`
	State  api.NodeState `json:"state"`
}

// AllocateResponse answers AllocateRequest.
type AllocateResponse struct {
	ResponseID         int64             `json:"responseId"`
	AMCommand          AMCommand         `json:"amCommand,omitempty"`
	Allocated          []Container       `json:"allocated,omitempty"`
	Completed          []ContainerStatus `json:"completed,omitempty"`
	UpdatedNodes       []NodeReport      `json:"updatedNodes,omitempty"`
	AvailableResources api.Resource      `json:"availableResources"`
	NumClusterNodes    int               `json:"numClusterNodes"`
}

// FinishAMRequest unregisters an AM with its application's outcome.
type FinishAMRequest struct {
	AttemptID   api.AttemptID   `json:"attemptId"`
	FinalStatus api.FinalStatus `json:"finalStatus"`
	Diagnostics string          `json:"diagnostics,omitempty"`
	TrackingURL string          `json:"trackingUrl,omitempty"`
}

// FinishAMResponse answers FinishAMRequest.
type FinishAMResponse struct {
	Unregistered bool `json:"unregistered"`
}

// StartContainerRequest asks an NM to start one container.
type StartContainerRequest struct {
	Token  security.ContainerToken `json:"token"`
	Launch api.LaunchContext       `json:"launch"`
}

// StartContainersRequest asks an NM to start containers.
type StartContainersRequest struct {
	Containers []StartContainerRequest `json:"containers"`
}

// ContainerError is a per-container failure.
type ContainerError struct {
	ContainerID api.ContainerID `json:"containerId"`
	Error       string          `json:"error"`
}

// StartContainersResponse says which containers started.
type StartContainersResponse struct {
	Started []api.ContainerID `json:"started,omitempty"`
	Failed  []ContainerError  `json:"failed,omitempty"`
}

// ContainersRequest names containers by their tokens (stop, status): the
// token proves the caller was granted them.
type ContainersRequest struct {
	Tokens []security.ContainerToken `json:"tokens"`
}

// StopContainersResponse says which containers are stopping.
type StopContainersResponse struct {
	Stopped []api.ContainerID `json:"stopped,omitempty"`
	Failed  []ContainerError  `json:"failed,omitempty"`
}

// ContainerStatusesResponse answers a status query.
type ContainerStatusesResponse struct {
	Statuses []ContainerStatus `json:"statuses,omitempty"`
	Failed   []ContainerError  `json:"failed,omitempty"`
}
