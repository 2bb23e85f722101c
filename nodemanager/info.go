package nodemanager

import (
	"sync"
	"time"

	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/yarn"
)

// vmemRatio is YARN's default yarn.nodemanager.vmem-pmem-ratio, used only to
// fill nodeInfo's totalVmemAllocatedContainersMB.
const vmemRatio = 2.1

// healthCache remembers the last health check, so the REST API does not
// probe the disks on every request.
type healthCache struct {
	check func(time.Time) rpc.NodeHealth
	now   func() time.Time

	mu   sync.Mutex
	last rpc.NodeHealth
}

// Check runs a check and remembers it (the status updater calls it every
// heartbeat).
func (h *healthCache) Check(now time.Time) rpc.NodeHealth {
	r := h.check(now)
	h.mu.Lock()
	h.last = r
	h.mu.Unlock()
	return r
}

// Last returns the last result, checking first if there is none.
func (h *healthCache) Last() rpc.NodeHealth {
	h.mu.Lock()
	last := h.last
	h.mu.Unlock()
	if last.LastReport == 0 {
		return h.Check(h.now())
	}
	return last
}

func (n *NodeManager) nodeInfo() yarn.NodeInfo {
	h := n.health.Last()
	return yarn.NodeInfo{
		ID:                             n.nodeID,
		NodeHostName:                   n.cfg.Hostname,
		TotalPmemAllocatedContainersMB: n.cfg.MemoryMB,
		TotalVmemAllocatedContainersMB: int64(float64(n.cfg.MemoryMB) * vmemRatio),
		TotalVCoresAllocatedContainers: n.cfg.VCores,
		PmemCheckEnabled:               n.deps.Runtime.Name() == RuntimeProcess,
		LastNodeUpdateTime:             h.LastReport,
		NMStartupTime:                  n.startedAt.UnixMilli(),
		HealthReport:                   h.Report,
		NodeHealthy:                    h.Healthy,
		NodeManagerVersion:             n.deps.Version,
		NodeManagerBuildVersion:        n.deps.Version,
		HadoopVersion:                  n.deps.Version,
		HadoopBuildVersion:             n.deps.Version,
	}
}

// ReadyInfo is what the ready file holds: how to reach a started NodeManager.
type ReadyInfo struct {
	NodeID     string `json:"nodeId"`
	RPCAddress string `json:"rpcAddress"`
	WebAddress string `json:"webAddress"`
	PID        int    `json:"pid"`
}

// Ready describes the running NodeManager for the ready file.
func (n *NodeManager) Ready(pid int) ReadyInfo {
	return ReadyInfo{NodeID: n.nodeID.String(), RPCAddress: n.rpcAddr, WebAddress: n.webAddr, PID: pid}
}
