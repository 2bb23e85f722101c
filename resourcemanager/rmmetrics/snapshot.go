package rmmetrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/goyarn/goyarn/api"
)

const mib = 1 << 20

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

// Descriptions of the scrape-time metrics.
var (
	haStateDesc = desc("goyarn_rm_ha_state", "1 for this ResourceManager's HA state, 0 for the others.", "state")

	appsSubmittedDesc = desc("goyarn_rm_apps_submitted_total", "Applications submitted to this ResourceManager.")
	appsCompletedDesc = desc("goyarn_rm_apps_completed_total", "Applications that finished.")
	appsFailedDesc    = desc("goyarn_rm_apps_failed_total", "Applications that failed.")
	appsKilledDesc    = desc("goyarn_rm_apps_killed_total", "Applications that were killed.")
	appsPendingDesc   = desc("goyarn_rm_apps_pending", "Applications waiting to run (NEW to ACCEPTED).")
	appsRunningDesc   = desc("goyarn_rm_apps_running", "Applications running.")

	memAllocatedDesc = desc("goyarn_rm_allocated_memory_bytes", "Memory allocated to containers.")
	memAvailableDesc = desc("goyarn_rm_available_memory_bytes", "Memory not allocated.")
	memTotalDesc     = desc("goyarn_rm_total_memory_bytes", "Memory of the schedulable nodes.")
	memPendingDesc   = desc("goyarn_rm_pending_memory_bytes", "Memory asked for and not yet allocated.")
	vcAllocatedDesc  = desc("goyarn_rm_allocated_vcores", "Virtual cores allocated to containers.")
	vcAvailableDesc  = desc("goyarn_rm_available_vcores", "Virtual cores not allocated.")
	vcTotalDesc      = desc("goyarn_rm_total_vcores", "Virtual cores of the schedulable nodes.")
	vcPendingDesc    = desc("goyarn_rm_pending_vcores", "Virtual cores asked for and not yet allocated.")
	ctAllocatedDesc  = desc("goyarn_rm_allocated_containers", "Containers allocated and not yet finished.")
	ctPendingDesc    = desc("goyarn_rm_pending_containers", "Containers asked for and not yet allocated.")
	nodesDesc        = desc("goyarn_rm_nodes", "Nodes by state.", "state")

	qCapacityDesc    = desc("goyarn_rm_queue_capacity_ratio", "Configured (absolute) capacity: share of the cluster guaranteed to the queue.", "queue")
	qMaxCapacityDesc = desc("goyarn_rm_queue_max_capacity_ratio", "Configured (absolute) maximum capacity: share of the cluster.", "queue")
	qUsedDesc        = desc("goyarn_rm_queue_used_capacity_ratio", "Used memory as a share of the queue's guaranteed memory.", "queue")
	qAbsUsedDesc     = desc("goyarn_rm_queue_absolute_used_capacity_ratio", "Used memory as a share of the cluster's memory.", "queue")
	qUsedMemDesc     = desc("goyarn_rm_queue_used_memory_bytes", "Memory used by the queue's containers.", "queue")
	qUsedVCoresDesc  = desc("goyarn_rm_queue_used_vcores", "Virtual cores used by the queue's containers.", "queue")
	qContainersDesc  = desc("goyarn_rm_queue_containers", "Containers running in the queue.", "queue")
	qAppsActiveDesc  = desc("goyarn_rm_queue_apps_active", "Applications of the queue with their AM placed.", "queue")
	qAppsPendingDesc = desc("goyarn_rm_queue_apps_pending", "Applications of the queue waiting for their AM container.", "queue")
	snapshotDescs    = []*prometheus.Desc{haStateDesc, appsSubmittedDesc, appsCompletedDesc, appsFailedDesc, appsKilledDesc,
		appsPendingDesc, appsRunningDesc, memAllocatedDesc, memAvailableDesc, memTotalDesc, memPendingDesc, vcAllocatedDesc,
		vcAvailableDesc, vcTotalDesc, vcPendingDesc, ctAllocatedDesc, ctPendingDesc, nodesDesc, qCapacityDesc,
		qMaxCapacityDesc, qUsedDesc, qAbsUsedDesc, qUsedMemDesc, qUsedVCoresDesc, qContainersDesc, qAppsActiveDesc,
		qAppsPendingDesc}
)

var haStates = []api.HAState{api.HAInitializing, api.HAActive, api.HAStandby, api.HAStopped}

// snapshot collects the cluster's gauges from the core at scrape time.
type snapshot struct {
	ha     func() api.HAState
	active func() Source // may be nil
}

func (s *snapshot) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range snapshotDescs {
		ch <- d
	}
}

func (s *snapshot) Collect(ch chan<- prometheus.Metric) {
	emit := func(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
		m, err := prometheus.NewConstMetric(d, t, v, labels...)
		if err != nil { // a label value that is not UTF-8: report it, keep the rest
			m = prometheus.NewInvalidMetric(d, err)
		}
		ch <- m
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) { emit(d, prometheus.GaugeValue, v, labels...) }
	counter := func(d *prometheus.Desc, v float64) { emit(d, prometheus.CounterValue, v) }
	state := s.ha()
	for _, st := range haStates {
		v := 0.0
		if st == state {
			v = 1
		}
		gauge(haStateDesc, v, label(st))
	}
	var src Source
	if s.active != nil {
		src = s.active()
	}
	if src == nil {
		return // not active: no cluster state here
	}

	m := src.Metrics()
	counter(appsSubmittedDesc, float64(m.AppsSubmitted))
	counter(appsCompletedDesc, float64(m.AppsCompleted))
	counter(appsFailedDesc, float64(m.AppsFailed))
	counter(appsKilledDesc, float64(m.AppsKilled))
	gauge(appsPendingDesc, float64(m.AppsPending))
	gauge(appsRunningDesc, float64(m.AppsRunning))
	gauge(memAllocatedDesc, float64(m.Allocated.MemoryMB*mib))
	gauge(memAvailableDesc, float64(m.Available.MemoryMB*mib))
	gauge(memTotalDesc, float64(m.Total.MemoryMB*mib))
	gauge(memPendingDesc, float64(m.Pending.MemoryMB*mib))
	gauge(vcAllocatedDesc, float64(m.Allocated.VCores))
	gauge(vcAvailableDesc, float64(m.Available.VCores))
	gauge(vcTotalDesc, float64(m.Total.VCores))
	gauge(vcPendingDesc, float64(m.Pending.VCores))
	gauge(ctAllocatedDesc, float64(m.ContainersAllocated))
	gauge(ctPendingDesc, float64(m.ContainersPending))
	for _, st := range api.NodeStates {
		gauge(nodesDesc, float64(m.NodesByState[st]), label(st))
	}

	for _, q := range src.Queues() {
		gauge(qCapacityDesc, q.AbsoluteCapacity/100, q.Path)
		gauge(qMaxCapacityDesc, q.AbsoluteMaxCapacity/100, q.Path)
		gauge(qUsedDesc, q.UsedCapacity/100, q.Path)
		gauge(qAbsUsedDesc, q.AbsoluteUsedCapacity/100, q.Path)
		gauge(qUsedMemDesc, float64(q.Used.MemoryMB*mib), q.Path)
		gauge(qUsedVCoresDesc, float64(q.Used.VCores), q.Path)
		gauge(qContainersDesc, float64(q.Containers), q.Path)
		gauge(qAppsActiveDesc, float64(q.AppsActive), q.Path)
		gauge(qAppsPendingDesc, float64(q.AppsPending), q.Path)
	}
}
