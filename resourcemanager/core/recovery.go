package core

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/lifecycle"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// Recover rebuilds the applications and attempts of a stored state, as a
// newly active RM does (YARN's work-preserving recovery). Nodes and
// containers are not stored: NMs report them when they register again, and
// containers that a previous active allocated (an older epoch in their id)
// are adopted then. Until the grace period ends nothing new is scheduled,
// so that recovered containers are accounted before new ones are placed;
// an attempt whose AM container no NM reported by then is failed.
// Recover must be called before the core serves anything.
func (c *Core) Recover(st store.State, grace time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.apps) > 0 {
		return errors.New("core: Recover on a core that already holds applications")
	}
	now := c.now()
	c.recoverUntil = now.Add(grace)
	var finished []*app
	for _, sa := range st.Apps {
		a := recoveredApp(sa, now)
		c.apps[a.id] = a
		if a.id.ClusterTimestamp == c.cfg.ClusterTimestamp && a.id.Seq >= c.nextSeq {
			c.nextSeq = a.id.Seq + 1
		}
		c.stats.appsSubmitted++
		if a.state.Terminal() {
			a.retired = true
			finished = append(finished, a)
			continue
		}
		if err := c.resumeApp(a, now); err != nil {
			c.log.Error("recovered application could not resume", zap.String("app_id", a.id.String()), zap.Error(err))
		}
	}
	sort.Slice(finished, func(i, j int) bool { return finished[i].finishTime.Before(finished[j].finishTime) })
	for _, a := range finished {
		c.completed = append(c.completed, a.id)
		switch a.state {
		case api.AppFinished:
			c.stats.appsCompleted++
		case api.AppFailed:
			c.stats.appsFailed++
		case api.AppKilled:
			c.stats.appsKilled++
		}
	}
	c.trimHistory()
	c.log.Info("state recovered", zap.Int("applications", len(st.Apps)), zap.Int("finished", len(finished)),
		zap.Int64("epoch", c.cfg.Epoch), zap.Duration("grace", grace))
	return nil
}

// Recovering reports whether the recovery grace period still runs.
func (c *Core) Recovering() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recovering(c.now())
}

func (c *Core) recovering(now time.Time) bool { return now.Before(c.recoverUntil) }

func recoveredApp(sa store.App, now time.Time) *app {
	r := sa.AppRecord
	a := &app{
		id: r.ID, user: r.User, sub: r.Submission, queue: r.Queue, state: r.State, finalStatus: r.FinalStatus, ownsStaging: r.OwnsStaging,
		diagnostics: r.Diagnostics, submitTime: r.SubmitTime, finishTime: r.FinishTime, maxAttempts: r.Submission.MaxAttempts,
		live: map[api.ContainerID]*container{}, nodes: map[api.NodeID]bool{}, gone: map[api.ContainerID]bool{},
		logAgg: map[api.NodeID]*nodeLogAgg{},
	}
	if a.maxAttempts < 1 {
		a.maxAttempts = 1
	}
	for _, ar := range sa.Attempts {
		a.attempts = append(a.attempts, &attempt{
			id: ar.ID, state: ar.State, amNode: ar.NodeID, amNodeHTTP: ar.NodeHTTP, startTime: ar.StartTime,
			finishTime: ar.FinishTime, lastSeen: now, finalStatus: ar.FinalStatus, exitStatus: ar.ExitStatus,
			diagnostics: ar.Diagnostics, trackingURL: ar.TrackingURL, nextSeq: 1, recovered: true,
		})
	}
	switch a.state {
	case api.AppNew, api.AppNewSaving:
		a.state = api.AppSubmitted // it was stored: the submission stands
	}
	return a
}

// resumeApp puts a recovered, unfinished application back in the scheduler
// and its attempt where it was.
func (c *Core) resumeApp(a *app, now time.Time) error {
	if err := c.sched.AddApp(a.schedSpec()); err != nil {
		a.state = api.AppFailed
		c.finishApp(a, api.FinalFailed, fmt.Sprintf("Application %s could not be recovered: %v", a.id, err), now)
		return err
	}
	if a.state == api.AppSubmitted {
		c.appEvent(a, lifecycle.AppAccepted)
	}
	att := a.current()
	switch {
	case att == nil || att.state.Terminal():
		if int32(len(a.attempts)) >= a.maxAttempts {
			a.state = api.AppFailed
			c.finishApp(a, api.FinalFailed, fmt.Sprintf("Application %s failed %d times", a.id, len(a.attempts)), now)
			return nil
		}
		if a.state == api.AppRunning {
			c.appEvent(a, lifecycle.AppAttemptFailed)
		}
		c.startAttempt(a, now)
	case att.state == api.AttemptNew || att.state == api.AttemptSubmitted || att.state == api.AttemptScheduled:
		att.state = api.AttemptScheduled
		if err := c.sched.SetAMDemand(a.id, a.sub.AMResource); err != nil {
			return err
		}
	}
	// Otherwise the AM container was allocated: an NM will report it, and
	// the AM resyncs (its first allocate is answered AM_RESYNC). As in YARN
	// only submission and the end are stored for an application: RUNNING
	// follows from its attempt.
	if att := a.current(); att != nil && (att.state == api.AttemptRunning || att.state == api.AttemptFinishing) && a.state == api.AppAccepted {
		a.state = api.AppRunning
	}
	return nil
}

// finishRecovery ends the grace period: recovered attempts whose AM
// container no NodeManager reported are failed (their AM is gone).
func (c *Core) finishRecovery(now time.Time) {
	c.recoverUntil = time.Time{}
	for _, a := range c.apps {
		att := a.current()
		if a.retired || att == nil || !att.recovered || att.am != nil || att.state.Terminal() {
			continue
		}
		switch att.state {
		case api.AttemptAllocated, api.AttemptLaunched, api.AttemptRunning, api.AttemptFinishing:
		default:
			continue
		}
		c.log.Warn("recovered attempt lost its AM container", zap.String("app_id", a.id.String()), zap.String("attempt", att.id.String()))
		if att.state == api.AttemptFinishing {
			att.state, att.finishTime = api.AttemptFinished, now
			c.putAttempt(att)
			continue
		}
		att.state = api.AttemptFailed
		c.attemptFailed(a, att, api.ExitAborted, fmt.Sprintf("AM container of %s was not reported by any NodeManager after the ResourceManager failed over", att.id), now)
	}
	c.log.Info("recovery grace period over: scheduling resumes")
}

// adoptable reports whether an NM's report of a container this RM does not
// know belongs to a live application and was allocated by a previous active
// RM (an older epoch), and this RM has not itself finished it since.
func (c *Core) adoptable(st rpc.ContainerStatus) (*app, *attempt, bool) {
	id := st.ContainerID
	a := c.apps[id.App()]
	if a == nil || a.retired || a.state.Terminal() || id.Epoch >= c.cfg.Epoch || a.gone[id] {
		return nil, nil, false
	}
	att := a.attemptByID(id.Attempt)
	if att == nil || att != a.current() || att.state.Terminal() {
		return nil, nil, false
	}
	return a, att, true
}

// adopt records a container a previous active RM granted, as its NM reports
// it. A completed one is adopted and finished at once, so its AM hears of
// it (it ended during the failover).
func (c *Core) adopt(n *node, a *app, att *attempt, st rpc.ContainerStatus, now time.Time) {
	ct := &container{
		id: st.ContainerID, app: a, node: n.id, nodeHTTP: n.httpAddress, resource: st.Resource, priority: st.Priority,
		am: st.ContainerID.Seq == 1, state: api.ContainerNew, exitStatus: api.ExitInvalid, allocated: now, started: now,
	}
	if err := c.sched.Allocate(ct.placement()); err != nil {
		c.log.Warn("recovered container does not fit; stopping it", zap.String("container_id", ct.id.String()), zap.Error(err))
		n.toCleanup = append(n.toCleanup, ct.id)
		return
	}
	// A fresh token, so the AM can still stop or query the container.
	ct.token = security.SignContainerToken(c.secret, security.ContainerToken{
		ContainerID: ct.id, NodeID: n.id, Resource: ct.resource, User: a.user, Priority: ct.priority,
		ExpiresAt: now.Add(c.cfg.AllocationExpiry).UnixMilli(),
	})
	c.containerEvent(ct, lifecycle.ContainerRecover)
	c.track(ct, n)
	if ct.am {
		att.am, att.amNode, att.amNodeHTTP = ct, n.id, n.httpAddress
	}
	c.log.Info("container recovered", zap.String("container_id", ct.id.String()), zap.String("node_id", n.id.String()), zap.Bool("am", ct.am))
	if st.State == api.RunComplete {
		c.finishContainer(ct, lifecycle.ContainerFinish, st.ExitStatus, st.Diagnostics, now)
	}
}
