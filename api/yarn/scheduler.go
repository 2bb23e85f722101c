package yarn

import (
	"encoding/json"

	"github.com/goyarn/goyarn/api"
)

// SchedulerResponse is GET /ws/v1/cluster/scheduler:
// {"scheduler":{"schedulerInfo":{"type":"capacityScheduler",…}}}.
type SchedulerResponse struct {
	Scheduler Scheduler `json:"scheduler"`
}

// Scheduler is the middle object of SchedulerResponse.
type Scheduler struct {
	SchedulerInfo CapacitySchedulerInfo `json:"schedulerInfo"`
}

// Scheduler and queue type discriminators.
const (
	TypeCapacityScheduler = "capacityScheduler"
	TypeCapacityLeafQueue = "capacitySchedulerLeafQueueInfo"
)

// Queue states.
const (
	QueueRunning = "RUNNING"
	QueueStopped = "STOPPED"
)

// CapacitySchedulerInfo is the capacity scheduler's schedulerInfo: the root
// queue. Capacities are percentages (Java floats); capacity and maxCapacity
// are relative to the parent queue.
type CapacitySchedulerInfo struct {
	Type            string            `json:"type"` // TypeCapacityScheduler
	Capacity        Float             `json:"capacity"`
	UsedCapacity    Float             `json:"usedCapacity"`
	MaxCapacity     Float             `json:"maxCapacity"`
	QueueName       string            `json:"queueName"` // "root"
	QueuePath       string            `json:"queuePath,omitempty"`
	MaxParallelApps int32             `json:"maxParallelApps,omitempty"`
	Queues          CapacityQueueList `json:"queues"`
}

// MarshalJSON fills in Type (TypeCapacityScheduler) when it is empty.
func (s CapacitySchedulerInfo) MarshalJSON() ([]byte, error) {
	if s.Type == "" {
		s.Type = TypeCapacityScheduler
	}
	type plain CapacitySchedulerInfo
	return json.Marshal(plain(s))
}

// CapacityQueueList is {"queue":[…]}. Empty, it encodes as {}.
type CapacityQueueList struct {
	Queue []CapacityQueue `json:"queue,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *CapacityQueueList) UnmarshalJSON(b []byte) error { return decodeList(b, "queue", &l.Queue) }

// CapacityQueue is a parent or a leaf queue. A parent has Queues set and
// LeafQueue nil; a leaf has Type TypeCapacityLeafQueue, Queues nil and
// LeafQueue set, whose fields are then encoded inline — as YARN encodes its
// leaf queue subclass.
type CapacityQueue struct {
	Type                 string             `json:"type,omitempty"` // TypeCapacityLeafQueue for leaves
	QueueName            string             `json:"queueName"`
	QueuePath            string             `json:"queuePath,omitempty"` // "root.a.b"
	State                string             `json:"state"`               // QueueRunning, QueueStopped
	Capacity             Float              `json:"capacity"`
	UsedCapacity         Float              `json:"usedCapacity"`
	MaxCapacity          Float              `json:"maxCapacity"`
	AbsoluteCapacity     Float              `json:"absoluteCapacity"`
	AbsoluteMaxCapacity  Float              `json:"absoluteMaxCapacity"`
	AbsoluteUsedCapacity Float              `json:"absoluteUsedCapacity"`
	NumApplications      int32              `json:"numApplications"`
	MaxParallelApps      int32              `json:"maxParallelApps,omitempty"`
	UsedResources        string             `json:"usedResources"` // api.Resource.String(): "<memory:0, vCores:0>"
	ResourcesUsed        api.Resource       `json:"resourcesUsed"`
	NodeLabels           []string           `json:"nodeLabels,omitempty"`
	AllocatedContainers  int32              `json:"allocatedContainers"`
	ReservedContainers   int32              `json:"reservedContainers"`
	PendingContainers    int32              `json:"pendingContainers"`
	Queues               *CapacityQueueList `json:"queues,omitempty"` // parents only
	*LeafQueue
}

// MarshalJSON fills in Type (TypeCapacityLeafQueue) for a queue with
// LeafQueue set.
func (q CapacityQueue) MarshalJSON() ([]byte, error) {
	if q.LeafQueue != nil && q.Type == "" {
		q.Type = TypeCapacityLeafQueue
	}
	type plain CapacityQueue
	return json.Marshal(plain(q))
}

// IsLeaf reports whether q is a leaf queue (applications are submitted to
// leaves only).
func (q CapacityQueue) IsLeaf() bool { return q.LeafQueue != nil || q.Type == TypeCapacityLeafQueue }

// LeafQueue holds the fields only a leaf queue has.
type LeafQueue struct {
	NumActiveApplications        int32         `json:"numActiveApplications"`
	NumPendingApplications       int32         `json:"numPendingApplications"`
	NumContainers                int32         `json:"numContainers"`
	MaxApplications              int32         `json:"maxApplications"`
	MaxApplicationsPerUser       int32         `json:"maxApplicationsPerUser"`
	MaxActiveApplications        int32         `json:"maxActiveApplications,omitempty"`
	MaxActiveApplicationsPerUser int32         `json:"maxActiveApplicationsPerUser,omitempty"`
	UserLimit                    Float         `json:"userLimit"` // percent
	UserLimitFactor              Float         `json:"userLimitFactor"`
	Users                        QueueUserList `json:"users"`
	ConfiguredMaxAMResourceLimit Float         `json:"configuredMaxAMResourceLimit"` // fraction, e.g. 0.1
	AMResourceLimit              api.Resource  `json:"AMResourceLimit"`
	UsedAMResource               api.Resource  `json:"usedAMResource"`
	UserAMResourceLimit          api.Resource  `json:"userAMResourceLimit"`
	PreemptionDisabled           bool          `json:"preemptionDisabled"`
	IntraQueuePreemptionDisabled bool          `json:"intraQueuePreemptionDisabled"`
	DefaultPriority              int32         `json:"defaultPriority"`
	IsAutoCreatedLeafQueue       bool          `json:"isAutoCreatedLeafQueue"`
	MaxApplicationLifetime       int64         `json:"maxApplicationLifetime"`     // seconds, -1 unlimited
	DefaultApplicationLifetime   int64         `json:"defaultApplicationLifetime"` // seconds, -1 unlimited
}

// QueueUserList is a leaf queue's {"user":[…]}. Empty, it encodes as {}.
type QueueUserList struct {
	User []QueueUser `json:"user,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *QueueUserList) UnmarshalJSON(b []byte) error { return decodeList(b, "user", &l.User) }

// QueueUser is one user's usage of a leaf queue.
type QueueUser struct {
	Username               string       `json:"username"`
	ResourcesUsed          api.Resource `json:"resourcesUsed"`
	NumActiveApplications  int32        `json:"numActiveApplications"`
	NumPendingApplications int32        `json:"numPendingApplications"`
}
