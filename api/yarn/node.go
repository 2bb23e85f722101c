package yarn

import (
	"encoding/json"

	"github.com/goyarn/goyarn/api"
)

// NodeManager REST bodies, served under http://<nm>:8042/ws/v1/node.

// NodeInfoResponse is GET /ws/v1/node and /ws/v1/node/info: {"nodeInfo":{…}}.
type NodeInfoResponse struct {
	NodeInfo NodeInfo `json:"nodeInfo"`
}

// NodeInfo is the NM's nodeInfo object.
type NodeInfo struct {
	ID                             api.NodeID `json:"id"` // host:port of the NM RPC endpoint
	NodeHostName                   string     `json:"nodeHostName"`
	TotalPmemAllocatedContainersMB int64      `json:"totalPmemAllocatedContainersMB"`
	TotalVmemAllocatedContainersMB int64      `json:"totalVmemAllocatedContainersMB"`
	TotalVCoresAllocatedContainers int64      `json:"totalVCoresAllocatedContainers"`
	VmemCheckEnabled               bool       `json:"vmemCheckEnabled"`
	PmemCheckEnabled               bool       `json:"pmemCheckEnabled"`
	LastNodeUpdateTime             int64      `json:"lastNodeUpdateTime"` // ms; last health report
	NMStartupTime                  int64      `json:"nmStartupTime"`      // ms
	HealthReport                   string     `json:"healthReport"`
	NodeHealthy                    bool       `json:"nodeHealthy"`
	NodeManagerVersion             string     `json:"nodeManagerVersion"`
	NodeManagerBuildVersion        string     `json:"nodeManagerBuildVersion"`
	NodeManagerVersionBuiltOn      string     `json:"nodeManagerVersionBuiltOn"`
	HadoopVersion                  string     `json:"hadoopVersion"`
	HadoopBuildVersion             string     `json:"hadoopBuildVersion"`
	HadoopVersionBuiltOn           string     `json:"hadoopVersionBuiltOn"`
}

// NMAppsResponse is GET /ws/v1/node/apps: {"apps":{"app":[…]}}.
type NMAppsResponse struct {
	Apps NMAppList `json:"apps"`
}

// NMAppList is the inner object of NMAppsResponse. Empty, it encodes as {}.
type NMAppList struct {
	App []NMApp `json:"app,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *NMAppList) UnmarshalJSON(b []byte) error { return decodeList(b, "app", &l.App) }

// NMAppResponse is GET /ws/v1/node/apps/{appid}: {"app":{…}}.
type NMAppResponse struct {
	App NMApp `json:"app"`
}

// NMApp is an application as one NM sees it.
type NMApp struct {
	ID    api.ApplicationID `json:"id"`
	User  string            `json:"user"`
	State api.NMAppState    `json:"state"`
	// ContainerIDs are the app's containers currently on this node; the
	// field is absent when there are none.
	ContainerIDs []api.ContainerID `json:"containerids,omitempty"`
}

// NMContainersResponse is GET /ws/v1/node/containers:
// {"containers":{"container":[…]}}.
type NMContainersResponse struct {
	Containers NMContainerList `json:"containers"`
}

// NMContainerList is the inner object of NMContainersResponse. Empty, it
// encodes as {}.
type NMContainerList struct {
	Container []NMContainer `json:"container,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *NMContainerList) UnmarshalJSON(b []byte) error {
	return decodeList(b, "container", &l.Container)
}

// NMContainerResponse is GET /ws/v1/node/containers/{containerid}:
// {"container":{…}}.
type NMContainerResponse struct {
	Container NMContainer `json:"container"`
}

// Execution types of a container.
const (
	ExecutionGuaranteed    = "GUARANTEED"
	ExecutionOpportunistic = "OPPORTUNISTIC"
)

// NMContainerCleaningUp is the NM container state YARN's REST doc lists that
// api.NMContainerState has no constant for.
const NMContainerCleaningUp api.NMContainerState = "CONTAINER_RESOURCES_CLEANINGUP"

// NMContainer is a container as its NM reports it.
type NMContainer struct {
	ID                  api.ContainerID      `json:"id"`
	State               api.NMContainerState `json:"state"`
	NodeID              api.NodeID           `json:"nodeId"`
	ContainerLogsLink   string               `json:"containerLogsLink"` // ContainerLogsURL(…)
	User                string               `json:"user"`
	ExitCode            int32                `json:"exitCode"`    // api.ExitInvalid (-1000) until it exits
	Diagnostics         string               `json:"diagnostics"` // "" when none
	TotalMemoryNeededMB int64                `json:"totalMemoryNeededMB"`
	TotalVCoresNeeded   int64                `json:"totalVCoresNeeded"`
	ExecutionType       string               `json:"executionType"` // ExecutionGuaranteed
	// ContainerLogFiles are the names of the files in the container's log
	// dir ("stdout", "stderr", …).
	ContainerLogFiles []string `json:"containerLogFiles,omitempty"`
}

// ContainerLogsResponse is GET /ws/v1/node/containers/{containerid}/logs:
// {"containerLogsInfo":[{…}]}, one element per log source (the NM's local
// log dir, and the aggregated logs when aggregation is on). YARN's own
// client (LogsCLI) also accepts a single object instead of the array, and
// so does UnmarshalJSON.
type ContainerLogsResponse struct {
	ContainerLogsInfo []ContainerLogsInfo `json:"containerLogsInfo"`
}

// UnmarshalJSON accepts an array or a single object for containerLogsInfo.
func (r *ContainerLogsResponse) UnmarshalJSON(b []byte) error {
	var raw struct {
		ContainerLogsInfo json.RawMessage `json:"containerLogsInfo"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	return decodeOneOrMany(raw.ContainerLogsInfo, &r.ContainerLogsInfo)
}

// Log aggregation types of a ContainerLogsInfo.
const (
	LogAggregationLocal      = "LOCAL"
	LogAggregationAggregated = "AGGREGATED"
)

// ContainerLogsInfo lists one container's log files from one source.
type ContainerLogsInfo struct {
	ContainerLogInfo   []ContainerLogFile `json:"containerLogInfo,omitempty"`
	LogAggregationType string             `json:"logAggregationType"` // LogAggregationLocal
	ContainerID        api.ContainerID    `json:"containerId"`
	NodeID             api.NodeID         `json:"nodeId"`
}

// UnmarshalJSON accepts an array or a single object for containerLogInfo.
func (c *ContainerLogsInfo) UnmarshalJSON(b []byte) error {
	type plain ContainerLogsInfo
	var raw struct {
		*plain
		ContainerLogInfo json.RawMessage `json:"containerLogInfo"`
	}
	raw.plain = (*plain)(c)
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	return decodeOneOrMany(raw.ContainerLogInfo, &c.ContainerLogInfo)
}

// ContainerLogFile is one log file. As in YARN, the size is a decimal string
// and the time is FormatLogTime's form.
type ContainerLogFile struct {
	FileName         string `json:"fileName"`
	FileSize         string `json:"fileSize"`
	LastModifiedTime string `json:"lastModifiedTime"`
}
