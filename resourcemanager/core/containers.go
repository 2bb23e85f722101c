package core

import (
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/lifecycle"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

// newContainer records a placement as a container with a signed token.
func (c *Core) newContainer(a *app, att *attempt, n *node, p scheduler.Placement, now time.Time) *container {
	// Sequence 1 of an attempt is its AM container, in every epoch: an
	// adopted container is recognised as the AM by it.
	if !p.AM && att.nextSeq < 2 {
		att.nextSeq = 2
	}
	ct := &container{
		id:  api.ContainerID{Attempt: att.id, Epoch: c.cfg.Epoch, Seq: att.nextSeq},
		app: a, node: n.id, nodeHTTP: n.httpAddress, resource: p.Resource, priority: p.Priority, am: p.AM,
		state: api.ContainerNew, exitStatus: api.ExitInvalid, allocated: now,
	}
	att.nextSeq++
	ct.token = security.SignContainerToken(c.secret, security.ContainerToken{
		ContainerID: ct.id, NodeID: n.id, Resource: ct.resource, User: a.user, Priority: ct.priority,
		ExpiresAt: now.Add(c.cfg.AllocationExpiry).UnixMilli(),
	})
	c.containerEvent(ct, lifecycle.ContainerAllocate)
	c.track(ct, n)
	return ct
}

// track indexes a live container under its node, its app and the core.
func (c *Core) track(ct *container, n *node) {
	c.containers[ct.id] = ct
	ct.app.live[ct.id] = ct
	ct.app.nodes[n.id] = true
	n.containers[ct.id] = ct
	n.used = n.used.Add(ct.resource)
}

// finishContainer moves a live container to a terminal state with ev, frees
// its resources, and tells whoever needs to know: the attempt's AM (as a
// completed container) or the attempt itself (when it was the AM).
func (c *Core) finishContainer(ct *container, ev lifecycle.ContainerEvent, exit int, diag string, now time.Time) {
	if ct.state.Terminal() || !c.containerEvent(ct, ev) {
		return
	}
	ct.exitStatus, ct.diagnostics, ct.finished = exit, diag, now
	c.obs.ContainerFinished(exit)
	delete(c.containers, ct.id)
	a := ct.app
	delete(a.live, ct.id)
	if ct.id.Epoch < c.cfg.Epoch {
		a.gone[ct.id] = true // a previous active's container: never adopt it again
	}
	if n := c.nodeByID(ct.node); n != nil {
		delete(n.containers, ct.id)
		n.used = n.used.Sub(ct.resource)
	}
	c.sched.Release(ct.placement())
	mem, vc := resourceSeconds(ct, now)
	a.memorySeconds += mem
	a.vcoreSeconds += vc

	att := a.attemptByID(ct.id.Attempt)
	if att != nil {
		if len(att.finished) >= maxFinishedPerAttempt {
			att.finished = append(att.finished[:0], att.finished[1:]...)
		}
		att.finished = append(att.finished, ct)
	}
	switch {
	case att == nil:
	case ct.am && att.am == ct:
		c.amContainerDone(a, att, ct, now)
	case att == a.current() && att.state == api.AttemptRunning:
		att.completed = append(att.completed, ct.status())
	}
	c.maybeRetire(a)
}

// killContainer ends a live container on the RM's side and tells its NM to
// stop it.
func (c *Core) killContainer(ct *container, exit int, diag string, now time.Time) {
	if ct.state.Terminal() {
		return
	}
	if n := c.nodes[ct.node]; n != nil {
		n.toCleanup = append(n.toCleanup, ct.id)
	}
	c.finishContainer(ct, lifecycle.ContainerKillIt, exit, diag, now)
}

// releaseContainer gives back a container at its AM's request.
func (c *Core) releaseContainer(ct *container, now time.Time) {
	if n := c.nodes[ct.node]; n != nil {
		n.toCleanup = append(n.toCleanup, ct.id)
	}
	c.finishContainer(ct, lifecycle.ContainerRelease, api.ExitAborted, "Container released by application", now)
}

// expireAllocations takes back containers allocated long ago that no NM
// ever reported running.
func (c *Core) expireAllocations(now time.Time) {
	for _, ct := range c.containers {
		if (ct.state == api.ContainerAllocated || ct.state == api.ContainerAcquired) && now.Sub(ct.allocated) > c.cfg.AllocationExpiry {
			c.log.Info("container allocation expired", zap.String("container_id", ct.id.String()))
			if n := c.nodes[ct.node]; n != nil {
				n.toCleanup = append(n.toCleanup, ct.id)
			}
			c.finishContainer(ct, lifecycle.ContainerExpire, api.ExitAborted, "Container expired since it was unused", now)
		}
	}
}

// containerReport applies one NM report about a container the RM tracks.
func (c *Core) containerReport(ct *container, st rpc.ContainerStatus, now time.Time) {
	switch st.State {
	case api.RunRunning, api.RunNew:
		if ct.state == api.ContainerAllocated || ct.state == api.ContainerAcquired {
			c.containerEvent(ct, lifecycle.ContainerLaunch)
			ct.started = now
		}
	case api.RunComplete:
		c.finishContainer(ct, lifecycle.ContainerFinish, st.ExitStatus, st.Diagnostics, now)
	}
}

func (c *Core) containerEvent(ct *container, ev lifecycle.ContainerEvent) bool {
	next, err := lifecycle.Container.Next(ct.state, ev)
	if err != nil {
		c.logTransition("container", ct.id.String(), err)
		return false
	}
	ct.state = next
	return true
}

func (a *app) attemptByID(id api.AttemptID) *attempt {
	if n := int(id.Attempt); n >= 1 && n <= len(a.attempts) {
		return a.attempts[n-1]
	}
	return nil
}

func (c *Core) nodeByID(id api.NodeID) *node {
	if n := c.nodes[id]; n != nil {
		return n
	}
	return c.inactive[id]
}

// resourceSeconds is what a container has used up to now, as YARN counts it:
// MB-seconds and vcore-seconds from the allocation on, at ms precision.
func resourceSeconds(ct *container, now time.Time) (mem, vcores int64) {
	ms := now.Sub(ct.allocated).Milliseconds()
	return ct.resource.MemoryMB * ms / 1000, ct.resource.VCores * ms / 1000
}
