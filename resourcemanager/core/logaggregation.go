package core

import (
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
)

// nodeLogAgg is one node's log aggregation status of an application.
type nodeLogAgg struct {
	status      api.LogAggregationStatus
	diagnostics string
	reported    bool // from the NM; false: a placeholder for a node that ran a container
}

// NodeLogAggregation is one node's log aggregation status of an application.
type NodeLogAggregation struct {
	Node        api.NodeID
	Status      api.LogAggregationStatus
	Diagnostics string
}

// ranOn records that node n reported a container of a: its logs are
// expected (NOT_START until the node says more).
func (a *app) ranOn(n api.NodeID) {
	if _, ok := a.logAgg[n]; !ok {
		a.logAgg[n] = &nodeLogAgg{status: api.LogAggNotStart}
	}
}

// applyLogReports records an NM's log aggregation reports. Reports of
// applications the RM does not know are dropped.
func (c *Core) applyLogReports(node api.NodeID, reports []rpc.LogAggregationReport) {
	for _, r := range reports {
		a := c.apps[r.ApplicationID]
		if a == nil {
			continue
		}
		a.logAgg[node] = &nodeLogAgg{status: r.Status, diagnostics: r.Diagnostics, reported: true}
	}
}

// logAggView combines a's per-node statuses at now.
func (c *Core) logAggView(a *app, now time.Time) (api.LogAggregationStatus, []NodeLogAggregation) {
	var nodes []NodeLogAggregation
	var statuses []api.LogAggregationStatus
	for id, s := range a.logAgg {
		if !c.cfg.LogAggregation && !s.reported {
			continue
		}
		nodes = append(nodes, NodeLogAggregation{Node: id, Status: s.status, Diagnostics: s.diagnostics})
		statuses = append(statuses, s.status)
	}
	sortNodeLogAgg(nodes)
	var since time.Duration
	if !a.finishTime.IsZero() {
		since = now.Sub(a.finishTime)
	}
	return CombineLogAggregation(c.cfg.LogAggregation, statuses, a.state.Terminal(), since, c.cfg.LogAggregationTimeout), nodes
}

// CombineLogAggregation is an application's log aggregation status from its
// nodes' (Hadoop's RMAppImpl rules): DISABLED when aggregation is off and no
// node reported; NOT_START while no node started; once every node is done
// (SUCCEEDED, FAILED or TIME_OUT) FAILED if any failed, else TIME_OUT if any
// timed out, else SUCCEEDED; before that RUNNING_WITH_FAILURE if some node
// failed (or is retrying), else RUNNING. A node not done timeout after the
// application finished counts as TIME_OUT (timeout <= 0: never).
func CombineLogAggregation(enabled bool, nodes []api.LogAggregationStatus, finished bool, sinceFinish, timeout time.Duration) api.LogAggregationStatus {
	if len(nodes) == 0 {
		if !enabled {
			return api.LogAggDisabled
		}
		return api.LogAggNotStart
	}
	var notStart, done, failed, timedOut, withFailure int
	for _, s := range nodes {
		if finished && timeout > 0 && sinceFinish >= timeout && !s.Final() {
			s = api.LogAggTimeOut
		}
		switch s {
		case api.LogAggNotStart:
			notStart++
		case api.LogAggSucceeded, api.LogAggDisabled:
			done++
		case api.LogAggFailed:
			failed++
			done++
		case api.LogAggTimeOut:
			timedOut++
			done++
		case api.LogAggRunningWithFailure:
			withFailure++
		}
	}
	switch {
	case notStart == len(nodes):
		return api.LogAggNotStart
	case done == len(nodes) && failed > 0:
		return api.LogAggFailed
	case done == len(nodes) && timedOut > 0:
		return api.LogAggTimeOut
	case done == len(nodes):
		return api.LogAggSucceeded
	case withFailure > 0 || failed > 0:
		return api.LogAggRunningWithFailure
	}
	return api.LogAggRunning
}
