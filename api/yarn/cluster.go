package yarn

import "github.com/goyarn/goyarn/api"

// HeaderRMs names the response header in which every goyarn RM lists the
// web addresses of all the cluster's RMs (comma-separated host:port), so
// that a client given one address learns the others and can fail over to
// them. A goyarn addition: YARN clients ignore it.
const HeaderRMs = "X-Goyarn-Resourcemanagers"

// ClusterInfoResponse is GET /ws/v1/cluster and /ws/v1/cluster/info:
// {"clusterInfo":{…}}. A standby RM answers it itself (haState STANDBY).
type ClusterInfoResponse struct {
	ClusterInfo ClusterInfo `json:"clusterInfo"`
}

// ResourceManager service states (clusterInfo.state).
const (
	ServiceNotInited = "NOTINITED"
	ServiceInited    = "INITED"
	ServiceStarted   = "STARTED"
	ServiceStopped   = "STOPPED"
)

// Values YARN puts in clusterInfo.haZooKeeperConnectionState when there is
// no elector state to show.
const (
	HANotEnabled           = "ResourceManager HA is not enabled."
	AutoFailoverNotEnabled = "Auto Failover is not enabled."
)

// ClusterInfo is the RM's clusterInfo object.
type ClusterInfo struct {
	ID                            int64       `json:"id"`        // cluster timestamp (RM start, ms)
	StartedOn                     int64       `json:"startedOn"` // ms
	State                         string      `json:"state"`     // ServiceStarted, …
	HAState                       api.HAState `json:"haState"`
	RMStateStoreName              string      `json:"rmStateStoreName"`
	ResourceManagerVersion        string      `json:"resourceManagerVersion"`
	ResourceManagerBuildVersion   string      `json:"resourceManagerBuildVersion"`
	ResourceManagerVersionBuiltOn string      `json:"resourceManagerVersionBuiltOn"`
	HadoopVersion                 string      `json:"hadoopVersion"`
	HadoopBuildVersion            string      `json:"hadoopBuildVersion"`
	HadoopVersionBuiltOn          string      `json:"hadoopVersionBuiltOn"`
	// HAZooKeeperConnectionState is free text: HANotEnabled, or the elector's
	// connection state (CONNECTED, DISCONNECTED, TERMINATED).
	HAZooKeeperConnectionState string `json:"haZooKeeperConnectionState"`
	// HAID is a goyarn addition: this RM's HA id (its name among the RMs).
	// Omitted when empty; YARN clients ignore it.
	HAID string `json:"haId,omitempty"`
	// HAActiveID and HAActiveWebAddress name the active RM (goyarn
	// additions: YARN clients ignore them); on a standby they say where to go.
	HAActiveID         string `json:"haActiveId,omitempty"`
	HAActiveWebAddress string `json:"haActiveWebAddress,omitempty"`
}

// ClusterMetricsResponse is GET /ws/v1/cluster/metrics: {"clusterMetrics":{…}}.
type ClusterMetricsResponse struct {
	ClusterMetrics ClusterMetrics `json:"clusterMetrics"`
}

// ClusterMetrics is the RM's clusterMetrics object. Counts are Java ints,
// memory (MB) and vcores Java longs, as in YARN.
type ClusterMetrics struct {
	AppsSubmitted         int32 `json:"appsSubmitted"`
	AppsCompleted         int32 `json:"appsCompleted"`
	AppsPending           int32 `json:"appsPending"`
	AppsRunning           int32 `json:"appsRunning"`
	AppsFailed            int32 `json:"appsFailed"`
	AppsKilled            int32 `json:"appsKilled"`
	ReservedMB            int64 `json:"reservedMB"`
	AvailableMB           int64 `json:"availableMB"`
	AllocatedMB           int64 `json:"allocatedMB"`
	TotalMB               int64 `json:"totalMB"`
	ReservedVirtualCores  int64 `json:"reservedVirtualCores"`
	AvailableVirtualCores int64 `json:"availableVirtualCores"`
	AllocatedVirtualCores int64 `json:"allocatedVirtualCores"`
	TotalVirtualCores     int64 `json:"totalVirtualCores"`
	ContainersAllocated   int32 `json:"containersAllocated"`
	ContainersReserved    int32 `json:"containersReserved"`
	ContainersPending     int32 `json:"containersPending"`
	TotalNodes            int32 `json:"totalNodes"`
	ActiveNodes           int32 `json:"activeNodes"`
	LostNodes             int32 `json:"lostNodes"`
	UnhealthyNodes        int32 `json:"unhealthyNodes"`
	DecommissioningNodes  int32 `json:"decommissioningNodes"`
	DecommissionedNodes   int32 `json:"decommissionedNodes"`
	RebootedNodes         int32 `json:"rebootedNodes"`
	ShutdownNodes         int32 `json:"shutdownNodes"`
}
