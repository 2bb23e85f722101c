package yarn

import "github.com/goyarn/goyarn/api"

// NodesResponse is GET /ws/v1/cluster/nodes: {"nodes":{"node":[…]}}.
type NodesResponse struct {
	Nodes NodeList `json:"nodes"`
}

// NodeList is the inner object of NodesResponse. Empty, it encodes as {}.
type NodeList struct {
	Node []Node `json:"node,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *NodeList) UnmarshalJSON(b []byte) error { return decodeList(b, "node", &l.Node) }

// NodeResponse is GET /ws/v1/cluster/nodes/{nodeid}: {"node":{…}}.
type NodeResponse struct {
	Node Node `json:"node"`
}

// DefaultRack is the rack of a node when no topology is configured.
const DefaultRack = "/default-rack"

// Node is the RM's node object.
type Node struct {
	Rack                  string              `json:"rack"` // DefaultRack
	State                 api.NodeState       `json:"state"`
	ID                    api.NodeID          `json:"id"`
	NodeHostName          string              `json:"nodeHostName"`
	NodeHTTPAddress       string              `json:"nodeHTTPAddress"`  // host:8042
	LastHealthUpdate      int64               `json:"lastHealthUpdate"` // ms
	Version               string              `json:"version"`
	HealthReport          string              `json:"healthReport"`
	NumContainers         int32               `json:"numContainers"`
	UsedMemoryMB          int64               `json:"usedMemoryMB"`
	AvailMemoryMB         int64               `json:"availMemoryMB"`
	UsedVirtualCores      int64               `json:"usedVirtualCores"`
	AvailableVirtualCores int64               `json:"availableVirtualCores"`
	ResourceUtilization   ResourceUtilization `json:"resourceUtilization"`
}

// ResourceUtilization is what the node last reported about its real usage.
// CPU usages are fractions of the node's cores (YARN doubles).
type ResourceUtilization struct {
	NodePhysicalMemoryMB                 int32   `json:"nodePhysicalMemoryMB"`
	NodeVirtualMemoryMB                  int32   `json:"nodeVirtualMemoryMB"`
	NodeCPUUsage                         float64 `json:"nodeCPUUsage"`
	AggregatedContainersPhysicalMemoryMB int32   `json:"aggregatedContainersPhysicalMemoryMB"`
	AggregatedContainersVirtualMemoryMB  int32   `json:"aggregatedContainersVirtualMemoryMB"`
	ContainersCPUUsage                   float64 `json:"containersCPUUsage"`
}
