package core

import (
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/lifecycle"
)

// RegisterNode registers an NM, or re-registers one the RM knows (after an
// NM restart, a resync, or coming back from LOST). The containers it reports
// are reconciled: those the RM tracks carry on, those it does not are
// stopped, and tracked ones the NM no longer has are completed as lost.
func (c *Core) RegisterNode(req rpc.RegisterNodeRequest) (rpc.RegisterNodeResponse, error) {
	if err := validateRegistration(req); err != nil {
		return rpc.RegisterNodeResponse{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	n := c.nodes[req.NodeID]
	if n != nil && n.total != req.Total {
		// A reconnect with other resources: start over as a new node.
		c.loseNode(n, lifecycle.NodeRebootEv, "Container released on a *rebooted* node", now)
		n = nil
	}
	if n == nil {
		delete(c.inactive, req.NodeID)
		n = &node{id: req.NodeID, state: api.NodeNew, total: req.Total, registered: now, containers: map[api.ContainerID]*container{}}
		if err := c.sched.AddNode(n.id, n.total); err != nil {
			return rpc.RegisterNodeResponse{}, wrapf(ErrInvalid, "node %s: %v", n.id, err)
		}
		c.nodes[n.id] = n
		c.nodeEvent(n, lifecycle.NodeStarted)
		c.log.Info("node registered", zap.String("node_id", n.id.String()), zap.Stringer("total", n.total))
	} else {
		c.log.Info("node re-registered", zap.String("node_id", n.id.String()))
	}
	n.httpAddress, n.version, n.nmStarted, n.lastSeen = req.HTTPAddress, req.Version, req.StartedAt, now
	n.responseID, n.lastResponse = 0, nil
	n.toCleanup, n.appsCleanup, n.completedAck = nil, nil, nil
	c.applyHealth(n, req.Health, now)

	reported := make(map[api.ContainerID]bool, len(req.Containers))
	for _, st := range req.Containers {
		reported[st.ContainerID] = true
		c.nodeContainerReport(n, st, now)
	}
	c.applyLogReports(n.id, req.LogAggregationReports)
	for id, ct := range n.containers {
		if !reported[id] && ct.state == api.ContainerRunning {
			c.finishContainer(ct, lifecycle.ContainerKillIt, api.ExitAborted, "Container released on a *restarted* node: the NodeManager no longer runs it", now)
		}
	}
	c.schedule(now)
	return rpc.RegisterNodeResponse{
		Action: rpc.ActionNormal, RMIdentifier: c.cfg.ClusterTimestamp,
		HeartbeatIntervalMs: c.cfg.HeartbeatInterval.Milliseconds(), WebAddresses: c.cfg.RMWebAddresses,
	}, nil
}

func validateRegistration(req rpc.RegisterNodeRequest) error {
	var errs []error
	if req.NodeID.IsZero() {
		errs = append(errs, errors.New("nodeId is required"))
	}
	if !req.Total.Positive() {
		errs = append(errs, fmt.Errorf("total resource %s must be positive in memory and vCores", req.Total))
	}
	if req.HTTPAddress == "" {
		errs = append(errs, errors.New("httpAddress is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

// NodeHeartbeat applies an NM's report and answers with its work.
func (c *Core) NodeHeartbeat(req rpc.NodeHeartbeatRequest) (rpc.NodeHeartbeatResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[req.NodeID]
	if n == nil {
		return rpc.NodeHeartbeatResponse{}, wrapf(ErrNotRegistered, "node %s is not registered with this ResourceManager; register first", req.NodeID)
	}
	now := c.now()
	if n.lastResponse != nil && req.ResponseID+1 == n.lastResponse.ResponseID {
		n.lastSeen = now
		return *n.lastResponse, nil // the NM lost our last answer
	}
	if req.ResponseID != n.responseID {
		c.log.Warn("node heartbeat out of sync, asking it to resync", zap.String("node_id", n.id.String()),
			zap.Int64("got", req.ResponseID), zap.Int64("want", n.responseID))
		c.loseNode(n, lifecycle.NodeRebootEv, "Container released on a *rebooted* node", now)
		return rpc.NodeHeartbeatResponse{Action: rpc.ActionResync, Diagnostics: "heartbeat out of sync"}, nil
	}
	n.lastSeen = now
	c.applyHealth(n, req.Health, now)
	freed := false
	for _, st := range req.Containers {
		if st.State == api.RunComplete {
			freed = true
		}
		c.nodeContainerReport(n, st, now)
	}
	c.applyLogReports(n.id, req.LogAggregationReports)
	if freed {
		c.schedule(now)
	}
	resp := rpc.NodeHeartbeatResponse{
		ResponseID: n.responseID + 1, Action: rpc.ActionNormal,
		ContainersToCleanup: n.toCleanup, AppsToCleanup: n.appsCleanup, ContainersCompletedAck: n.completedAck,
		HeartbeatIntervalMs: c.cfg.HeartbeatInterval.Milliseconds(),
	}
	n.toCleanup, n.appsCleanup, n.completedAck = nil, nil, nil
	n.responseID = resp.ResponseID
	n.lastResponse = &resp
	return resp, nil
}

// nodeContainerReport applies one container status from node n.
func (c *Core) nodeContainerReport(n *node, st rpc.ContainerStatus, now time.Time) {
	if st.State == api.RunComplete {
		n.completedAck = append(n.completedAck, st.ContainerID)
	}
	if a := c.apps[st.ContainerID.App()]; a != nil {
		a.ranOn(n.id)
	}
	ct := c.containers[st.ContainerID]
	if ct != nil && ct.node == n.id {
		c.containerReport(ct, st, now)
		return
	}
	if ct == nil {
		if a, att, ok := c.adoptable(st); ok {
			c.adopt(n, a, att, st, now)
			return
		}
	}
	if st.State != api.RunComplete {
		// Running, but not ours (its app ended, or it was completed as lost
		// while the node was away): stop it.
		n.toCleanup = append(n.toCleanup, st.ContainerID)
	}
}

// UnregisterNode records an NM's graceful shutdown.
func (c *Core) UnregisterNode(id api.NodeID) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil {
		return wrapf(ErrNotRegistered, "node %s is not registered", id)
	}
	c.log.Info("node shut down", zap.String("node_id", id.String()))
	c.loseNode(n, lifecycle.NodeShutdownEv, "Container released on a *shutdown* node", c.now())
	return nil
}

// expireNodes marks silent nodes LOST.
func (c *Core) expireNodes(now time.Time) {
	for _, n := range c.nodes {
		if now.Sub(n.lastSeen) > c.cfg.NodeExpiry {
			c.log.Warn("node lost: no heartbeat within the expiry interval", zap.String("node_id", n.id.String()),
				zap.Duration("silent_for", now.Sub(n.lastSeen)))
			c.loseNode(n, lifecycle.NodeExpire, "Container released on a *lost* node", now)
		}
	}
}

// loseNode takes a node out of service with ev: its containers are reported
// to their AMs as completed (ABORTED) with diag, running AMs learn of the
// node's new state, and the node moves to the inactive list.
func (c *Core) loseNode(n *node, ev lifecycle.NodeEvent, diag string, now time.Time) {
	if !c.nodeEvent(n, ev) {
		return
	}
	for _, ct := range n.containers {
		c.finishContainer(ct, lifecycle.ContainerKillIt, api.ExitAborted, diag, now)
	}
	c.sched.RemoveNode(n.id)
	delete(c.nodes, n.id)
	c.inactive[n.id] = n
	report := rpc.NodeReport{NodeID: n.id, State: n.state}
	for _, a := range c.apps {
		if att := a.current(); att != nil && att.state == api.AttemptRunning {
			att.nodeUpdates = append(att.nodeUpdates, report)
		}
	}
}

// applyHealth moves a node between RUNNING and UNHEALTHY as its NM reports.
func (c *Core) applyHealth(n *node, h rpc.NodeHealth, now time.Time) {
	if n.healthy != h.Healthy || n.health != h.Report {
		n.lastHealth = now
	}
	n.healthy, n.health = h.Healthy, h.Report
	switch {
	case !h.Healthy && (n.state == api.NodeRunning || n.state == api.NodeNew):
		c.nodeEvent(n, lifecycle.NodeBecameSick)
		c.sched.SetSchedulable(n.id, false)
		c.log.Warn("node unhealthy", zap.String("node_id", n.id.String()), zap.String("report", h.Report))
	case h.Healthy && n.state == api.NodeUnhealthy:
		c.nodeEvent(n, lifecycle.NodeBecameHealthy)
		c.sched.SetSchedulable(n.id, true)
		c.log.Info("node healthy again", zap.String("node_id", n.id.String()))
	}
}

func (c *Core) nodeEvent(n *node, ev lifecycle.NodeEvent) bool {
	next, err := lifecycle.Node.Next(n.state, ev)
	if err != nil {
		c.logTransition("node", n.id.String(), err)
		return false
	}
	n.state = next
	return true
}
