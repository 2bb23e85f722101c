package core

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/lifecycle"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// startAttempt creates the application's next attempt and asks the
// scheduler for its AM container.
func (c *Core) startAttempt(a *app, now time.Time) {
	att := &attempt{
		id:    api.AttemptID{App: a.id, Attempt: int32(len(a.attempts) + 1)},
		state: api.AttemptNew, startTime: now, lastSeen: now, nextSeq: 1,
		finalStatus: api.FinalUndefined, exitStatus: api.ExitInvalid,
	}
	a.attempts = append(a.attempts, att)
	c.attemptEvent(att, lifecycle.AttemptStart)
	if err := c.sched.SetAMDemand(a.id, a.sub.AMResource); err != nil {
		c.log.Error("AM demand refused", zap.String("app_id", a.id.String()), zap.Error(err))
	}
	c.attemptEvent(att, lifecycle.AttemptScheduled)
	c.putAttempt(att)
}

// allocateAM hands a freshly placed AM container to the launcher.
func (c *Core) allocateAM(a *app, att *attempt, ct *container, now time.Time) {
	att.am = ct
	att.amNode, att.amNodeHTTP = ct.node, ct.nodeHTTP
	att.lastSeen = now
	c.attemptEvent(att, lifecycle.AttemptAllocated)
	c.containerEvent(ct, lifecycle.ContainerAcquire)
	c.putAttempt(att)
	c.launcher.Launch(LaunchRequest{Attempt: att.id, Container: ct.rpc(), Launch: c.amLaunchContext(a, att)})
}

// amLaunchContext is the submission's AM launch context plus what an AM
// needs to find and authenticate to the RMs.
func (c *Core) amLaunchContext(a *app, att *attempt) api.LaunchContext {
	lc := a.sub.AMContainer
	env := make(map[string]string, len(lc.Environment)+6)
	for k, v := range lc.Environment {
		env[k] = v
	}
	env[api.EnvAMToken] = security.AMToken(c.secret, att.id)
	env[api.EnvRMRPCAddresses] = strings.Join(c.cfg.RMRPCAddresses, ",")
	env[api.EnvRMWebAddresses] = strings.Join(c.cfg.RMWebAddresses, ",")
	env[api.EnvAppSubmitTime] = strconv.FormatInt(a.submitTime.UnixMilli(), 10)
	env[api.EnvMaxAppAttempts] = strconv.Itoa(int(a.maxAttempts))
	if c.cfg.StagingDir != "" {
		env[api.EnvStagingDir] = c.cfg.StagingDir
	}
	lc.Environment = env
	return lc
}

// AMLaunched is the launcher's report on an AM container: err is nil when
// the NM accepted it.
func (c *Core) AMLaunched(id api.AttemptID, cid api.ContainerID, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.apps[id.App]
	if a == nil || a.current() == nil || a.current().id != id {
		return
	}
	att := a.current()
	if att.am == nil || att.am.id != cid {
		return
	}
	now := c.now()
	if err == nil {
		if att.state == api.AttemptAllocated {
			c.attemptEvent(att, lifecycle.AttemptLaunched)
			att.lastSeen = now
			c.putAttempt(att)
		}
		return
	}
	if !lifecycle.Attempt.Can(att.state, lifecycle.AttemptLaunchFailed) {
		return
	}
	c.log.Warn("AM launch failed", zap.String("app_id", a.id.String()), zap.String("container_id", cid.String()), zap.Error(err))
	c.attemptEvent(att, lifecycle.AttemptLaunchFailed)
	c.killContainer(att.am, api.ExitAborted, "AM container launch failed: "+err.Error(), now)
	c.attemptFailed(a, att, api.ExitAborted, fmt.Sprintf("Error launching %s. Got exception: %v", att.id, err), now)
}

// lookupAttempt finds the current attempt id names.
func (c *Core) lookupAttempt(id api.AttemptID) (*app, *attempt, error) {
	a := c.apps[id.App]
	if a == nil {
		return nil, nil, wrapf(ErrNotCurrent, "application %s is unknown to this ResourceManager", id.App)
	}
	att := a.current()
	if att == nil || att.id != id || att.state.Terminal() || a.state.Terminal() && att.state != api.AttemptFinishing {
		return a, nil, wrapf(ErrNotCurrent, "%s is not the current attempt of %s (application is %s)", id, a.id, a.state)
	}
	return a, att, nil
}

// RegisterAM registers an attempt's AM. Registering again (after a resync)
// is allowed and resets the allocate protocol.
func (c *Core) RegisterAM(req rpc.RegisterAMRequest) (rpc.RegisterAMResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, att, err := c.lookupAttempt(req.AttemptID)
	if err != nil {
		return rpc.RegisterAMResponse{}, err
	}
	now := c.now()
	if !att.registered {
		// A recovered attempt may already be RUNNING: its AM re-registers
		// with this RM after a failover.
		if !(att.recovered && att.state == api.AttemptRunning) && !c.attemptEvent(att, lifecycle.AttemptRegistered) {
			return rpc.RegisterAMResponse{}, wrapf(ErrConflict, "%s cannot register in state %s", att.id, att.state)
		}
		if a.state == api.AppAccepted {
			c.appEvent(a, lifecycle.AppAttemptRegistered)
		}
	}
	att.registered = true
	att.host, att.rpcPort, att.trackingURL = req.Host, req.RPCPort, req.TrackingURL
	att.lastSeen = now
	att.responseID, att.lastResponse = 0, nil
	c.putAttempt(att)
	c.log.Info("application master registered", zap.String("app_id", a.id.String()), zap.String("attempt", att.id.String()))
	resp := rpc.RegisterAMResponse{
		MaximumCapability: c.sched.MaximumAllocation(), MinimumCapability: c.sched.MinimumAllocation(),
		Queue: a.queue, User: a.user,
	}
	// Running containers the AM may not know of: those of earlier attempts,
	// and after a failover its own (a previous active granted them).
	for _, ct := range a.live {
		if !ct.am && (ct.id.Attempt != att.id || att.recovered) {
			resp.ContainersFromPreviousAttempts = append(resp.ContainersFromPreviousAttempts, ct.rpc())
		}
	}
	return resp, nil
}

// Allocate is an AM's heartbeat: releases and asks in, new containers,
// completed containers and node changes out.
func (c *Core) Allocate(req rpc.AllocateRequest) (rpc.AllocateResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, att, err := c.lookupAttempt(req.AttemptID)
	if err != nil {
		return rpc.AllocateResponse{}, err
	}
	if !att.registered {
		// e.g. an attempt this RM recovered: the AM must register again.
		return rpc.AllocateResponse{AMCommand: rpc.AMResync}, nil
	}
	if att.lastResponse != nil && req.ResponseID+1 == att.lastResponse.ResponseID {
		return *att.lastResponse, nil // the AM lost our last answer
	}
	if req.ResponseID != att.responseID {
		return rpc.AllocateResponse{}, wrapf(ErrInvalid, "invalid responseId %d from %s: expected %d", req.ResponseID, att.id, att.responseID)
	}
	asks, err := c.validateAllocate(a, att, req)
	if err != nil {
		return rpc.AllocateResponse{}, err
	}
	now := c.now()
	att.lastSeen = now
	if req.Progress >= 0 && req.Progress <= 1 {
		a.progress = req.Progress
	}
	for _, id := range req.Releases {
		if ct := a.live[id]; ct != nil {
			c.releaseContainer(ct, now)
		}
	}
	for _, ask := range asks {
		if err := c.sched.SetAsk(a.id, ask.Priority, ask.Capability, int(ask.NumContainers)); err != nil {
			c.log.Warn("ask refused", zap.String("app_id", a.id.String()), zap.Error(err))
		}
	}
	c.schedule(now)

	resp := rpc.AllocateResponse{ResponseID: att.responseID + 1, NumClusterNodes: len(c.nodes), AvailableResources: c.sched.Headroom(a.id)}
	for _, ct := range att.newlyAllocated {
		if ct.state == api.ContainerAllocated {
			c.containerEvent(ct, lifecycle.ContainerAcquire)
			resp.Allocated = append(resp.Allocated, ct.rpc())
		}
	}
	resp.Completed, resp.UpdatedNodes = att.completed, att.nodeUpdates
	att.newlyAllocated, att.completed, att.nodeUpdates = nil, nil, nil
	att.responseID = resp.ResponseID
	att.lastResponse = &resp
	return resp, nil
}

// validateAllocate checks every release and ask before anything changes,
// and returns the asks with normalized capabilities.
func (c *Core) validateAllocate(a *app, att *attempt, req rpc.AllocateRequest) ([]rpc.ResourceRequest, error) {
	var problems []string
	for _, id := range req.Releases {
		ct := a.live[id]
		switch {
		case ct == nil && id.App() != a.id:
			problems = append(problems, fmt.Sprintf("cannot release %s: it belongs to another application", id))
		case ct != nil && ct.am:
			problems = append(problems, fmt.Sprintf("cannot release %s: it is the AM container", id))
		}
	}
	var asks []rpc.ResourceRequest
	for _, r := range req.Asks {
		if r.ResourceName != "" && r.ResourceName != "*" {
			continue // locality requests: the "*" request carries the total
		}
		if r.NumContainers < 0 {
			problems = append(problems, fmt.Sprintf("ask at priority %d: numContainers %d is negative", r.Priority, r.NumContainers))
			continue
		}
		norm, err := c.sched.Normalize(r.Capability)
		if err != nil {
			problems = append(problems, fmt.Sprintf("ask at priority %d for %s: %v", r.Priority, r.Capability, err))
			continue
		}
		r.Capability = norm
		asks = append(asks, r)
	}
	if len(problems) > 0 {
		return nil, wrapf(ErrInvalid, "%s", strings.Join(problems, "; "))
	}
	return asks, nil
}

// FinishAM unregisters an attempt's AM with the application's outcome. It
// returns once the outcome is stored.
func (c *Core) FinishAM(ctx context.Context, req rpc.FinishAMRequest) (rpc.FinishAMResponse, error) {
	switch req.FinalStatus {
	case api.FinalSucceeded, api.FinalFailed, api.FinalKilled:
	default:
		return rpc.FinishAMResponse{}, wrapf(ErrInvalid, "final status %q: must be SUCCEEDED, FAILED or KILLED", req.FinalStatus)
	}
	c.mu.Lock()
	a, att, err := c.lookupAttempt(req.AttemptID)
	if err != nil {
		c.mu.Unlock()
		return rpc.FinishAMResponse{}, err
	}
	if att.state == api.AttemptFinishing {
		c.mu.Unlock()
		return rpc.FinishAMResponse{Unregistered: true}, nil // a retried unregister
	}
	if !c.attemptEvent(att, lifecycle.AttemptUnregistered) {
		c.mu.Unlock()
		return rpc.FinishAMResponse{}, wrapf(ErrConflict, "%s cannot unregister in state %s", att.id, att.state)
	}
	now := c.now()
	att.finalStatus, att.diagnostics, att.lastSeen = req.FinalStatus, req.Diagnostics, now
	if req.TrackingURL != "" {
		att.trackingURL = req.TrackingURL
	}
	c.appEvent(a, lifecycle.AppAttemptUnregister)
	a.progress = 1
	c.putAttempt(att)
	saved := c.finishApp(a, req.FinalStatus, req.Diagnostics, now)
	c.log.Info("application master unregistered", zap.String("app_id", a.id.String()), zap.String("final_status", string(req.FinalStatus)))
	c.mu.Unlock()
	if err := wait(ctx, saved); err != nil {
		return rpc.FinishAMResponse{}, storeError(a.id, err)
	}
	return rpc.FinishAMResponse{Unregistered: true}, nil
}

// amContainerDone handles the end of an attempt's AM container.
func (c *Core) amContainerDone(a *app, att *attempt, ct *container, now time.Time) {
	if att.state.Terminal() {
		return
	}
	if !c.attemptEvent(att, lifecycle.AttemptContainerExited) {
		return
	}
	att.exitStatus = ct.exitStatus
	if att.state == api.AttemptFinished {
		att.finishTime = now
		c.putAttempt(att)
		return
	}
	diag := fmt.Sprintf("AM Container for %s exited with exitCode: %d", att.id, ct.exitStatus)
	if ct.diagnostics != "" {
		diag += "\nDiagnostics: " + ct.diagnostics
	}
	c.attemptFailed(a, att, ct.exitStatus, diag, now)
}

// attemptFailed finishes a failed attempt (already in FAILED state): its
// containers go, and the application either gets a new attempt or fails.
func (c *Core) attemptFailed(a *app, att *attempt, exit int, diag string, now time.Time) {
	att.finishTime, att.diagnostics, att.exitStatus = now, diag, exit
	att.finalStatus = api.FinalFailed
	c.putAttempt(att)
	for _, ct := range a.live {
		if ct.id.Attempt == att.id {
			c.killContainer(ct, api.ExitAborted, "Container of a failed attempt", now)
		}
	}
	// Start the next attempt from a clean slate in the scheduler, keeping
	// the application's place in its queue.
	c.sched.RemoveApp(a.id)
	if int32(len(a.attempts)) < a.maxAttempts {
		if err := c.sched.AddApp(a.schedSpec()); err == nil {
			c.appEvent(a, lifecycle.AppAttemptFailed)
			c.log.Info("application attempt failed, retrying", zap.String("app_id", a.id.String()), zap.String("attempt", att.id.String()))
			c.startAttempt(a, now)
			c.schedule(now)
			return
		}
	}
	c.appEvent(a, lifecycle.AppFailed)
	c.finishApp(a, api.FinalFailed, fmt.Sprintf("Application %s failed %d times due to %s. Failing the application.", a.id, len(a.attempts), diag), now)
	c.log.Info("application failed", zap.String("app_id", a.id.String()))
}

// expireAMs fails attempts whose AM went silent.
func (c *Core) expireAMs(now time.Time) {
	for _, a := range c.apps {
		att := a.current()
		if att == nil || a.retired {
			continue
		}
		switch att.state {
		case api.AttemptLaunched, api.AttemptRunning, api.AttemptFinishing:
		default:
			continue
		}
		if now.Sub(att.lastSeen) <= c.cfg.AMExpiry {
			continue
		}
		c.log.Warn("application master expired", zap.String("app_id", a.id.String()), zap.String("attempt", att.id.String()))
		c.attemptEvent(att, lifecycle.AttemptExpired)
		if att.am != nil && !att.am.state.Terminal() {
			c.killContainer(att.am, api.ExitAborted, "AM expired", now)
		}
		if att.state == api.AttemptFinished {
			att.finishTime = now
			c.putAttempt(att)
			continue
		}
		c.attemptFailed(a, att, api.ExitAborted, fmt.Sprintf("ApplicationMaster for attempt %s timed out", att.id), now)
	}
}

func (c *Core) putAttempt(att *attempt) {
	rec := att.record()
	c.journal.put("put attempt "+att.id.String(), func(ctx context.Context, st store.Store) error { return st.PutAttempt(ctx, rec) })
}

func (c *Core) attemptEvent(att *attempt, ev lifecycle.AttemptEvent) bool {
	next, err := lifecycle.Attempt.Next(att.state, ev)
	if err != nil {
		c.logTransition("attempt", att.id.String(), err)
		return false
	}
	att.state = next
	return true
}
