package yarn

import "github.com/goyarn/goyarn/api"

// AppsResponse is GET /ws/v1/cluster/apps: {"apps":{"app":[…]}}.
type AppsResponse struct {
	Apps AppList `json:"apps"`
}

// AppList is the inner object of AppsResponse. Empty, it encodes as {}.
type AppList struct {
	App []App `json:"app,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *AppList) UnmarshalJSON(b []byte) error { return decodeList(b, "app", &l.App) }

// AppResponse is GET /ws/v1/cluster/apps/{appid}: {"app":{…}}.
type AppResponse struct {
	App App `json:"app"`
}

// Values of App.TrackingUI.
const (
	TrackingUIUnassigned = "UNASSIGNED"        // no tracking URL yet (NEW … ACCEPTED)
	TrackingUIAM         = "ApplicationMaster" // running: URL is the RM proxy
	TrackingUIHistory    = "History"           // finished
)

// Values of App.LogAggregationStatus.
const (
	LogAggDisabled           = "DISABLED"
	LogAggNotStart           = "NOT_START"
	LogAggRunning            = "RUNNING"
	LogAggRunningWithFailure = "RUNNING_WITH_FAILURE"
	LogAggSucceeded          = "SUCCEEDED"
	LogAggFailed             = "FAILED"
	LogAggTimeOut            = "TIME_OUT"
)

// App is the RM's app object. YARN leaves out trackingUrl while the app has
// none and the AM fields before an AM container exists; the other fields
// are always present.
type App struct {
	ID              api.ApplicationID `json:"id"`
	User            string            `json:"user"`
	Name            string            `json:"name"`
	Queue           string            `json:"queue"`
	State           api.AppState      `json:"state"`
	FinalStatus     api.FinalStatus   `json:"finalStatus"`
	Progress        Float             `json:"progress"`   // percent, 0-100
	TrackingUI      string            `json:"trackingUI"` // TrackingUIUnassigned, …
	TrackingURL     string            `json:"trackingUrl,omitempty"`
	Diagnostics     string            `json:"diagnostics"` // "" when none
	ClusterID       int64             `json:"clusterId"`   // RM cluster timestamp
	ApplicationType string            `json:"applicationType"`
	ApplicationTags string            `json:"applicationTags"` // JoinTags(tags)
	Priority        int32             `json:"priority"`
	StartedTime     int64             `json:"startedTime"`  // ms
	FinishedTime    int64             `json:"finishedTime"` // ms, 0 while running
	ElapsedTime     int64             `json:"elapsedTime"`  // ms, see Elapsed
	// AM container fields, absent until the AM container is allocated.
	AMContainerLogs   string `json:"amContainerLogs,omitempty"`   // ContainerLogsURL(…)
	AMHostHTTPAddress string `json:"amHostHttpAddress,omitempty"` // nm-host:8042
	AMRPCAddress      string `json:"amRPCAddress,omitempty"`      // host:port the AM registered
	// Usage. YARN shows -1 for allocated and running figures once the app
	// has finished.
	AllocatedMB                int64  `json:"allocatedMB"`
	AllocatedVCores            int64  `json:"allocatedVCores"`
	RunningContainers          int32  `json:"runningContainers"`
	MemorySeconds              int64  `json:"memorySeconds"` // MB-seconds
	VcoreSeconds               int64  `json:"vcoreSeconds"`
	QueueUsagePercentage       Float  `json:"queueUsagePercentage"`
	ClusterUsagePercentage     Float  `json:"clusterUsagePercentage"`
	PreemptedResourceMB        int64  `json:"preemptedResourceMB"`
	PreemptedResourceVCores    int64  `json:"preemptedResourceVCores"`
	NumNonAMContainerPreempted int32  `json:"numNonAMContainerPreempted"`
	NumAMContainerPreempted    int32  `json:"numAMContainerPreempted"`
	LogAggregationStatus       string `json:"logAggregationStatus"` // LogAggDisabled, …
	UnmanagedApplication       bool   `json:"unmanagedApplication"`
	AppNodeLabelExpression     string `json:"appNodeLabelExpression"`
	AMNodeLabelExpression      string `json:"amNodeLabelExpression"`
}

// NewApplicationResponse is POST /ws/v1/cluster/apps/new-application.
// YARN does not wrap it in a root object.
type NewApplicationResponse struct {
	ApplicationID             api.ApplicationID `json:"application-id"`
	MaximumResourceCapability api.Resource      `json:"maximum-resource-capability"`
}

// AppStateBody is GET/PUT /ws/v1/cluster/apps/{appid}/state, request and
// response alike: {"state":"KILLED"}. The only state a PUT may ask for is
// KILLED (KillOnlyMessage otherwise).
type AppStateBody struct {
	State api.AppState `json:"state"`
}

// KillOnlyMessage is YARN's 400 message for a PUT state other than KILLED.
const KillOnlyMessage = "Only 'KILLED' is allowed as a target state."

// AppQueueBody is GET/PUT /ws/v1/cluster/apps/{appid}/queue: {"queue":"default"}.
type AppQueueBody struct {
	Queue string `json:"queue"`
}

// AppPriorityBody is GET/PUT /ws/v1/cluster/apps/{appid}/priority: {"priority":0}.
type AppPriorityBody struct {
	Priority int32 `json:"priority"`
}

// AppStatInfoResponse is GET /ws/v1/cluster/appstatistics:
// {"appStatInfo":{"statItem":[…]}}.
type AppStatInfoResponse struct {
	AppStatInfo StatItemList `json:"appStatInfo"`
}

// StatItemList is the inner object of AppStatInfoResponse. Empty, it
// encodes as {}.
type StatItemList struct {
	StatItem []StatItem `json:"statItem,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *StatItemList) UnmarshalJSON(b []byte) error { return decodeList(b, "statItem", &l.StatItem) }

// AnyAppType is StatItem.Type when the query named no application type.
const AnyAppType = "*"

// StatItem counts the applications of one type in one state. The RM emits
// the state as the enum name (ACCEPTED); the query parameters are case
// insensitive.
type StatItem struct {
	State api.AppState `json:"state"`
	Type  string       `json:"type"` // lowercased application type, or AnyAppType
	Count int64        `json:"count"`
}
