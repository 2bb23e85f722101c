package yarn

import (
	"encoding/json"

	"github.com/goyarn/goyarn/api"
)

// AppAttemptsResponse is GET /ws/v1/cluster/apps/{appid}/appattempts:
// {"appAttempts":{"appAttempt":[…]}}.
type AppAttemptsResponse struct {
	AppAttempts AppAttemptList `json:"appAttempts"`
}

// AppAttemptList is the inner object of AppAttemptsResponse. Empty, it
// encodes as {}.
type AppAttemptList struct {
	AppAttempt []AppAttempt `json:"appAttempt,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *AppAttemptList) UnmarshalJSON(b []byte) error {
	return decodeList(b, "appAttempt", &l.AppAttempt)
}

// AppAttempt is an element of the appattempts list. The AM container
// fields are "" until the AM container exists (YARN sends "" rather than
// leaving them out).
type AppAttempt struct {
	ID              int32           `json:"id"`           // attempt number: 1, 2, …
	StartTime       int64           `json:"startTime"`    // ms
	FinishedTime    int64           `json:"finishedTime"` // ms, 0 while running
	ContainerID     api.ContainerID `json:"containerId"`  // the AM container
	NodeHTTPAddress string          `json:"nodeHttpAddress"`
	NodeID          api.NodeID      `json:"nodeId"`
	LogsLink        string          `json:"logsLink"` // ContainerLogsURL(…) of the AM container
	// BlacklistedNodes and NodesBlacklistedBySystem are ", "-joined node ids.
	BlacklistedNodes         string           `json:"blacklistedNodes"`
	NodesBlacklistedBySystem string           `json:"nodesBlacklistedBySystem"`
	AppAttemptID             api.AttemptID    `json:"appAttemptId"`
	ExportPorts              string           `json:"exportPorts"` // JSON text; "" or "null" when none
	AppAttemptState          api.AttemptState `json:"appAttemptState"`
}

// AppAttemptResponse is GET /ws/v1/cluster/apps/{appid}/appattempts/{appattemptid}:
// {"appAttempt":{…}}. Unlike the list, YARN answers it with its generic
// attempt report (the one the timeline server also serves).
type AppAttemptResponse struct {
	AppAttempt AppAttemptReport `json:"appAttempt"`
}

// AppAttemptReport is the single-attempt object.
type AppAttemptReport struct {
	AppAttemptID        api.AttemptID    `json:"appAttemptId"`
	Host                string           `json:"host"`    // AM host, "N/A" before registration
	RPCPort             int32            `json:"rpcPort"` // AM RPC port, -1 before registration
	TrackingURL         string           `json:"trackingUrl"`
	OriginalTrackingURL string           `json:"originalTrackingUrl"`
	DiagnosticsInfo     string           `json:"diagnosticsInfo"`
	AppAttemptState     api.AttemptState `json:"appAttemptState"`
	AMContainerID       api.ContainerID  `json:"amContainerId,omitzero"`
	StartedTime         int64            `json:"startedTime"`
	FinishedTime        int64            `json:"finishedTime"`
}

// RMContainersResponse is
// GET /ws/v1/cluster/apps/{appid}/appattempts/{appattemptid}/containers:
// {"containers":{"container":[…]}}.
type RMContainersResponse struct {
	Containers RMContainerList `json:"containers"`
}

// RMContainerList is the inner object of RMContainersResponse. Empty, it
// encodes as {}.
type RMContainerList struct {
	Container []RMContainer `json:"container,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *RMContainerList) UnmarshalJSON(b []byte) error {
	return decodeList(b, "container", &l.Container)
}

// RMContainerResponse is
// GET /ws/v1/cluster/apps/{appid}/appattempts/{appattemptid}/containers/{containerid}:
// {"container":{…}}.
type RMContainerResponse struct {
	Container RMContainer `json:"container"`
}

// RMContainer is a container of an attempt as the RM reports it.
type RMContainer struct {
	ContainerID         api.ContainerID       `json:"containerId"`
	AllocatedMB         int64                 `json:"allocatedMB"`
	AllocatedVCores     int32                 `json:"allocatedVCores"`
	AssignedNodeID      api.NodeID            `json:"assignedNodeId"`
	Priority            int32                 `json:"priority"`
	StartedTime         int64                 `json:"startedTime"`  // ms
	FinishedTime        int64                 `json:"finishedTime"` // ms, 0 while running
	ElapsedTime         int64                 `json:"elapsedTime"`  // ms, see Elapsed
	DiagnosticsInfo     string                `json:"diagnosticsInfo"`
	LogURL              string                `json:"logUrl"` // ContainerLogsURL(…)
	ContainerExitStatus int32                 `json:"containerExitStatus"`
	ContainerState      api.ContainerRunState `json:"containerState"`  // NEW, RUNNING, COMPLETE
	NodeHTTPAddress     string                `json:"nodeHttpAddress"` // "http://host:8042"
	NodeID              api.NodeID            `json:"nodeId"`
	// AllocatedResources is the container's resource vector by YARN
	// resource name ("memory-mb", "vcores").
	AllocatedResources []ResourceEntry `json:"allocatedResources,omitempty"`
}

// UnmarshalJSON also accepts the numbers quoted, as YARN's documentation
// shows them for this object.
func (c *RMContainer) UnmarshalJSON(b []byte) error {
	b, err := relaxNumbers(b, "allocatedMB", "allocatedVCores", "priority", "startedTime",
		"finishedTime", "elapsedTime", "containerExitStatus")
	if err != nil {
		return err
	}
	type plain RMContainer
	return json.Unmarshal(b, (*plain)(c))
}

// YARN resource names used in ResourceEntry.Key.
const (
	ResourceMemoryMB = "memory-mb"
	ResourceVCores   = "vcores"
)

// ResourceEntry is one {"key":"memory-mb","value":1536} entry.
type ResourceEntry struct {
	Key   string `json:"key"`
	Value int64  `json:"value"`
}

// UnmarshalJSON also accepts a quoted value.
func (e *ResourceEntry) UnmarshalJSON(b []byte) error {
	b, err := relaxNumbers(b, "value")
	if err != nil {
		return err
	}
	type plain ResourceEntry
	return json.Unmarshal(b, (*plain)(e))
}

// ResourceEntries returns r as allocatedResources entries.
func ResourceEntries(r api.Resource) []ResourceEntry {
	return []ResourceEntry{{Key: ResourceMemoryMB, Value: r.MemoryMB}, {Key: ResourceVCores, Value: r.VCores}}
}
