package webapp

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

func (s *Server) clusterInfo(c *gin.Context) {
	info := s.deps.Info()
	zk := info.HAZKState
	if zk == "" {
		zk = yarn.HANotEnabled
	}
	c.JSON(http.StatusOK, yarn.ClusterInfoResponse{ClusterInfo: yarn.ClusterInfo{
		ID: info.ClusterTimestamp, StartedOn: yarn.Millis(info.StartedOn), State: yarn.ServiceStarted, HAState: info.HAState,
		RMStateStoreName: info.StoreName, ResourceManagerVersion: info.Version,
		ResourceManagerBuildVersion: info.Version, ResourceManagerVersionBuiltOn: info.BuiltOn,
		HadoopVersion: info.Version, HadoopBuildVersion: info.Version, HadoopVersionBuiltOn: info.BuiltOn,
		HAZooKeeperConnectionState: zk, HAID: info.HAID, HAActiveID: info.ActiveHAID, HAActiveWebAddress: info.ActiveWebAddress,
	}})
}

func (s *Server) clusterMetrics(c *gin.Context) {
	m := s.core(c).Metrics()
	n := func(st api.NodeState) int32 { return int32(m.NodesByState[st]) }
	c.JSON(http.StatusOK, yarn.ClusterMetricsResponse{ClusterMetrics: yarn.ClusterMetrics{
		AppsSubmitted: int32(m.AppsSubmitted), AppsCompleted: int32(m.AppsCompleted), AppsPending: int32(m.AppsPending),
		AppsRunning: int32(m.AppsRunning), AppsFailed: int32(m.AppsFailed), AppsKilled: int32(m.AppsKilled),
		AvailableMB: m.Available.MemoryMB, AllocatedMB: m.Allocated.MemoryMB, TotalMB: m.Total.MemoryMB,
		AvailableVirtualCores: m.Available.VCores, AllocatedVirtualCores: m.Allocated.VCores, TotalVirtualCores: m.Total.VCores,
		ContainersAllocated: int32(m.ContainersAllocated), ContainersPending: int32(m.ContainersPending),
		TotalNodes:  n(api.NodeNew) + n(api.NodeRunning) + n(api.NodeUnhealthy) + n(api.NodeDecommissioning),
		ActiveNodes: n(api.NodeRunning), LostNodes: n(api.NodeLost), UnhealthyNodes: n(api.NodeUnhealthy),
		DecommissioningNodes: n(api.NodeDecommissioning), DecommissionedNodes: n(api.NodeDecommissioned),
		RebootedNodes: n(api.NodeRebooted), ShutdownNodes: n(api.NodeShutdown),
	}})
}

func (s *Server) schedulerInfo(c *gin.Context) {
	queues := s.core(c).Queues()
	byPath := make(map[string]*scheduler.QueueInfo, len(queues))
	for i := range queues {
		byPath[queues[i].Path] = &queues[i]
	}
	root := byPath["root"]
	if root == nil {
		writeRemote(c, yarn.InternalError("scheduler has no root queue"))
		return
	}
	info := yarn.CapacitySchedulerInfo{
		Type: yarn.TypeCapacityScheduler, Capacity: 100, MaxCapacity: 100, QueueName: "root", QueuePath: "root",
		UsedCapacity: yarn.Float(root.AbsoluteUsedCapacity),
	}
	for _, child := range root.Children {
		info.Queues.Queue = append(info.Queues.Queue, queueDTO(byPath, byPath[child]))
	}
	c.JSON(http.StatusOK, yarn.SchedulerResponse{Scheduler: yarn.Scheduler{SchedulerInfo: info}})
}

func queueDTO(byPath map[string]*scheduler.QueueInfo, q *scheduler.QueueInfo) yarn.CapacityQueue {
	d := yarn.CapacityQueue{
		QueueName: q.Name, QueuePath: q.Path, State: q.State, Capacity: yarn.Float(q.Capacity), MaxCapacity: yarn.Float(q.MaxCapacity),
		UsedCapacity: yarn.Float(q.UsedCapacity), AbsoluteCapacity: yarn.Float(q.AbsoluteCapacity),
		AbsoluteMaxCapacity: yarn.Float(q.AbsoluteMaxCapacity), AbsoluteUsedCapacity: yarn.Float(q.AbsoluteUsedCapacity),
		NumApplications: int32(q.AppsActive + q.AppsPending), UsedResources: q.Used.String(), ResourcesUsed: q.Used,
		AllocatedContainers: int32(q.Containers),
	}
	if !q.Leaf {
		d.Queues = &yarn.CapacityQueueList{}
		for _, child := range q.Children {
			d.Queues.Queue = append(d.Queues.Queue, queueDTO(byPath, byPath[child]))
		}
		return d
	}
	d.Type = yarn.TypeCapacityLeafQueue
	d.LeafQueue = &yarn.LeafQueue{
		NumActiveApplications: int32(q.AppsActive), NumPendingApplications: int32(q.AppsPending), NumContainers: int32(q.Containers),
		MaxApplications: 10000, MaxApplicationsPerUser: 10000, UserLimit: 100, UserLimitFactor: 1,
		ConfiguredMaxAMResourceLimit: yarn.Float(q.MaxAMResourcePercent), AMResourceLimit: q.AMLimit, UsedAMResource: q.AMUsed,
		UserAMResourceLimit: q.AMLimit, PreemptionDisabled: true, IntraQueuePreemptionDisabled: true,
		MaxApplicationLifetime: -1, DefaultApplicationLifetime: -1,
	}
	return d
}
