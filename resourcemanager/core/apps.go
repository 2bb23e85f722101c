package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/lifecycle"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// NewApplication reserves an application id, as YARN's
// /apps/new-application does, and returns the largest container the cluster
// grants.
func (c *Core) NewApplication(user string) (api.ApplicationID, api.Resource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		id := api.ApplicationID{ClusterTimestamp: c.cfg.ClusterTimestamp, Seq: c.nextSeq}
		c.nextSeq++
		if _, taken := c.apps[id]; !taken {
			c.issue(id, user)
			return id, c.sched.MaximumAllocation()
		}
	}
}

// maxIssued bounds the ids issued but not submitted yet that the core
// remembers; past it the oldest are forgotten.
const maxIssued = 100000

// issue remembers that id was handed to user: only an app submitted under
// its own id by that user has its staging directory deleted when it ends
// (Deps.OnAppFinished), so nobody can have another's staged files deleted
// by submitting a guessed id.
func (c *Core) issue(id api.ApplicationID, user string) {
	if c.issued == nil {
		c.issued = map[api.ApplicationID]string{}
	}
	if len(c.issuedOrder) >= maxIssued {
		delete(c.issued, c.issuedOrder[0])
		c.issuedOrder = c.issuedOrder[1:]
	}
	c.issued[id] = user
	c.issuedOrder = append(c.issuedOrder, id)
}

// Submit admits an application. It returns once the submission is stored:
// the app is then ACCEPTED and its first attempt waits for an AM container.
// Submitting an id that already exists for the same user is a no-op success
// (clients may retry across a failover); for another user it is a conflict.
func (c *Core) Submit(ctx context.Context, sub api.SubmissionContext, user string) error {
	if err := c.normalizeSubmission(&sub, user); err != nil {
		return err
	}
	queue, err := c.resolveQueue(sub)
	if err != nil {
		return err
	}

	c.mu.Lock()
	if a, ok := c.apps[sub.ApplicationID]; ok {
		c.mu.Unlock()
		if a.user == user {
			return nil
		}
		return wrapf(ErrConflict, "application %s already exists", sub.ApplicationID)
	}
	now := c.now()
	issuedTo, issued := c.issued[sub.ApplicationID]
	delete(c.issued, sub.ApplicationID)
	a := &app{
		ownsStaging: issued && issuedTo == user,
		id:          sub.ApplicationID, user: user, sub: sub, queue: queue, state: api.AppNew, finalStatus: api.FinalUndefined,
		submitTime: now, maxAttempts: sub.MaxAttempts,
		live: map[api.ContainerID]*container{}, nodes: map[api.NodeID]bool{}, gone: map[api.ContainerID]bool{},
		logAgg: map[api.NodeID]*nodeLogAgg{},
	}
	c.appEvent(a, lifecycle.AppStart)
	c.apps[a.id] = a
	if a.id.ClusterTimestamp == c.cfg.ClusterTimestamp && a.id.Seq >= c.nextSeq {
		c.nextSeq = a.id.Seq + 1
	}
	rec := a.record()
	saved := c.journal.put("put app "+a.id.String(), func(ctx context.Context, st store.Store) error { return st.PutApp(ctx, rec) })
	c.mu.Unlock()

	if err := wait(ctx, saved); err != nil {
		c.mu.Lock()
		if a.state == api.AppNewSaving {
			delete(c.apps, a.id)
		}
		c.mu.Unlock()
		return storeError(a.id, err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if a.state != api.AppNewSaving { // killed while being saved
		return nil
	}
	c.stats.appsSubmitted++
	c.appEvent(a, lifecycle.AppSaved)
	if err := c.sched.AddApp(a.schedSpec()); err != nil {
		c.appEvent(a, lifecycle.AppRejected)
		c.finishApp(a, api.FinalFailed, fmt.Sprintf("Application %s rejected by the scheduler: %v", a.id, err), now)
		return nil
	}
	c.appEvent(a, lifecycle.AppAccepted)
	c.log.Info("application accepted", zap.String("app_id", a.id.String()), zap.String("user", user), zap.String("queue", queue))
	c.startAttempt(a, now)
	c.schedule(now)
	return nil
}

// normalizeSubmission fills defaults and checks everything that does not
// need the lock. Every problem is reported.
func (c *Core) normalizeSubmission(sub *api.SubmissionContext, user string) error {
	var errs []error
	if sub.ApplicationID.IsZero() {
		errs = append(errs, errors.New("application-id is required (get one from /ws/v1/cluster/apps/new-application)"))
	}
	if user == "" {
		errs = append(errs, errors.New("the submitting user is unknown"))
	}
	if sub.UnmanagedAM {
		errs = append(errs, errors.New("unmanaged application masters are not supported"))
	}
	if len(sub.AMContainer.Commands) == 0 || strings.TrimSpace(strings.Join(sub.AMContainer.Commands, " ")) == "" {
		errs = append(errs, errors.New("am-container-spec has no commands"))
	}
	if sub.AMResource.IsZero() {
		sub.AMResource = c.sched.MinimumAllocation()
	}
	if norm, err := c.sched.Normalize(sub.AMResource); err != nil {
		errs = append(errs, fmt.Errorf("AM resource %s: %v", sub.AMResource, err))
	} else {
		sub.AMResource = norm
	}
	if sub.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("max-app-attempts must not be negative, got %d", sub.MaxAttempts))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if sub.MaxAttempts == 0 || sub.MaxAttempts > c.cfg.MaxAttempts {
		sub.MaxAttempts = c.cfg.MaxAttempts
	}
	if sub.Name == "" {
		sub.Name = "N/A"
	}
	if sub.ApplicationType == "" {
		sub.ApplicationType = "YARN"
	}
	if sub.Queue == "" {
		sub.Queue = "default"
	}
	for i, t := range sub.Tags {
		sub.Tags[i] = strings.ToLower(strings.TrimSpace(t))
	}
	return nil
}

func (c *Core) resolveQueue(sub api.SubmissionContext) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, err := c.sched.ResolveQueue(sub.Queue)
	if err != nil {
		if errors.Is(err, scheduler.ErrUnknownQueue) {
			return "", wrapf(ErrInvalid, "Application %s submitted to unknown queue: %s", sub.ApplicationID, sub.Queue)
		}
		return "", wrapf(ErrInvalid, "Application %s cannot be submitted to queue %s: %v", sub.ApplicationID, sub.Queue, err)
	}
	return q, nil
}

// Kill ends an application: its containers are stopped and it becomes
// KILLED. Only its owner or an admin may kill it. Killing a finished
// application changes nothing and returns its state.
func (c *Core) Kill(ctx context.Context, id api.ApplicationID, user string, admin bool) (api.AppState, error) {
	c.mu.Lock()
	a, ok := c.apps[id]
	if !ok {
		c.mu.Unlock()
		return "", wrapf(ErrNotFound, "app with id: %s not found", id)
	}
	if a.state.Terminal() {
		c.mu.Unlock()
		return a.state, nil
	}
	if !admin && user != a.user {
		c.mu.Unlock()
		return "", wrapf(ErrForbidden, "user %s may not kill application %s owned by %s", user, id, a.user)
	}
	now := c.now()
	c.appEvent(a, lifecycle.AppKill)
	if att := a.current(); att != nil && !att.state.Terminal() {
		c.attemptEvent(att, lifecycle.AttemptKill)
		att.finishTime = now
		att.diagnostics = "Application killed by user."
		c.putAttempt(att)
	}
	saved := c.finishApp(a, api.FinalKilled, fmt.Sprintf("Application killed by user %s.", user), now)
	c.log.Info("application killed", zap.String("app_id", id.String()), zap.String("user", user))
	c.mu.Unlock()
	if err := wait(ctx, saved); err != nil {
		return api.AppKilled, storeError(id, err)
	}
	return api.AppKilled, nil
}

// finishApp records an application's end: final status, containers stopped,
// nodes told to clean up, the record stored. The app's state must already be
// terminal. It returns the store write to wait for.
func (c *Core) finishApp(a *app, final api.FinalStatus, diag string, now time.Time) <-chan error {
	a.finalStatus = final
	if diag != "" {
		a.diagnostics = diag
	}
	a.finishTime = now
	switch a.state {
	case api.AppFinished:
		c.stats.appsCompleted++
	case api.AppFailed:
		c.stats.appsFailed++
	case api.AppKilled:
		c.stats.appsKilled++
	}
	for _, ct := range a.live {
		if ct.am && a.state == api.AppFinished {
			continue // the AM is exiting on its own after unregistering
		}
		c.killContainer(ct, api.ExitKilledAfterAppCompletion, "Container killed on application completion", now)
	}
	for id := range a.nodes {
		if n := c.nodes[id]; n != nil {
			n.appsCleanup = append(n.appsCleanup, a.id)
		}
	}
	c.sched.SetAMDemand(a.id, api.Resource{})
	if c.onFinish != nil && a.ownsStaging {
		c.onFinish(a.id, a.sub)
	}
	c.completed = append(c.completed, a.id)
	rec := a.record()
	saved := c.journal.put("put app "+a.id.String(), func(ctx context.Context, st store.Store) error { return st.PutApp(ctx, rec) })
	c.maybeRetire(a)
	c.trimHistory()
	return saved
}

// maybeRetire takes a finished application with no live containers out of
// the scheduler.
func (c *Core) maybeRetire(a *app) {
	if a.retired || !a.state.Terminal() || len(a.live) > 0 {
		return
	}
	a.retired = true
	a.gone = nil
	c.sched.RemoveApp(a.id)
}

// trimHistory forgets the oldest finished applications beyond the bound
// (those still holding containers wait until they let go).
func (c *Core) trimHistory() {
	excess := len(c.completed) - c.cfg.MaxCompletedApps
	if excess <= 0 {
		return
	}
	kept := c.completed[:0]
	for _, id := range c.completed {
		a := c.apps[id]
		if a == nil {
			continue
		}
		if excess > 0 && a.retired {
			excess--
			delete(c.apps, id)
			c.journal.put("remove app "+id.String(), func(ctx context.Context, st store.Store) error { return st.RemoveApp(ctx, id) })
			continue
		}
		kept = append(kept, id)
	}
	c.completed = kept
}

func (c *Core) appEvent(a *app, ev lifecycle.AppEvent) bool {
	next, err := lifecycle.App.Next(a.state, ev)
	if err != nil {
		c.logTransition("application", a.id.String(), err)
		return false
	}
	a.state = next
	return true
}

// storeError classifies a failed store write for the caller: a record too
// large for the store is the caller's mistake, a fenced store means this RM
// is no longer active (the client should try the others).
func storeError(id api.ApplicationID, err error) error {
	switch {
	case errors.Is(err, store.ErrTooLarge):
		return fmt.Errorf("%w: application %s is too large for the state store: %v", ErrInvalid, id, err)
	case errors.Is(err, store.ErrFenced):
		return fmt.Errorf("%w: %v", ErrNotActive, err)
	}
	return fmt.Errorf("%w: storing %s: %v", ErrStore, id, err)
}
