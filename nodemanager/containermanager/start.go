package containermanager

import (
	"errors"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/nodemanager/localizer"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

// Start starts the requested containers. Every token must verify (RM
// signature, this node, not expired) or the whole call fails with
// INVALID_TOKEN and nothing starts. After that, each container succeeds or
// fails on its own: a replayed id is refused; a container that fails to
// localize or launch is listed in Failed and also recorded as completed, so
// the RM hears of it in the next heartbeat.
func (m *Manager) Start(req rpc.StartContainersRequest) (rpc.StartContainersResponse, error) {
	if len(req.Containers) == 0 {
		return rpc.StartContainersResponse{}, rpc.Errorf(rpc.CodeInvalidRequest, "no containers to start")
	}
	now := m.now()
	for _, r := range req.Containers {
		if err := m.verify(r.Token, now, true); err != nil {
			return rpc.StartContainersResponse{}, err
		}
	}
	m.mu.Lock()
	closing := m.closing
	m.mu.Unlock()
	if closing {
		return rpc.StartContainersResponse{}, rpc.Errorf(rpc.CodeConflict, "%v", ErrShuttingDown)
	}
	var resp rpc.StartContainersResponse
	for _, r := range req.Containers {
		if err := m.startOne(r); err != nil {
			resp.Failed = append(resp.Failed, rpc.ContainerError{ContainerID: r.Token.ContainerID, Error: err.Error()})
			continue
		}
		resp.Started = append(resp.Started, r.Token.ContainerID)
	}
	return resp, nil
}

// verify checks a token against this node. Start checks expiry too; stop and
// status accept an expired token, since its expiry bounds when a container
// may start, not how long its holder may manage it.
func (m *Manager) verify(t security.ContainerToken, now time.Time, checkExpiry bool) error {
	if !checkExpiry {
		now = time.UnixMilli(t.ExpiresAt)
	}
	if err := security.VerifyContainerToken(m.sec, t, m.cfg.NodeID, now); err != nil {
		return rpc.Errorf(rpc.CodeInvalidToken, "%v", err)
	}
	if t.ContainerID.IsZero() {
		return rpc.Errorf(rpc.CodeInvalidToken, "container token names no container")
	}
	if err := localizer.CheckName(t.User); err != nil {
		return rpc.Errorf(rpc.CodeInvalidToken, "container token for %s names an unusable user %q", t.ContainerID, t.User)
	}
	return nil
}

func (m *Manager) startOne(r rpc.StartContainerRequest) error {
	id := r.Token.ContainerID
	log := m.log.With(zap.String("container_id", id.String()), zap.String("app_id", id.App().String()))
	m.mu.Lock()
	if _, ok := m.seen[id]; ok {
		m.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrReplay, id)
	}
	work, logs := m.dirs(id, r.Token.User)
	c := &container{done: make(chan struct{}), rec: nmstate.Container{
		ID: id, User: r.Token.User, Resource: r.Token.Resource, Priority: r.Token.Priority,
		WorkDir: work, LogDir: logs, State: api.NMContainerNew, ExitStatus: api.ExitInvalid,
		StartedAt: m.now().UnixMilli(),
	}}
	a := m.addLocked(c)
	finished := a.finished
	rec := c.rec
	m.mu.Unlock()
	m.persist(c)
	log.Info("starting container", zap.String("user", rec.User), zap.Stringer("resource", rec.Resource))

	if finished {
		return m.fail(c, api.NMContainerExitedFailure, fmt.Sprintf("application %s has already finished on this node", id.App()))
	}
	if err := m.makeDirs(id, rec.User, work, logs); err != nil {
		return m.fail(c, api.NMContainerExitedFailure, fmt.Sprintf("creating the container's directories: %v", err))
	}
	m.setState(c, api.NMContainerLocalizing)
	if err := m.loc.Localize(m.ctx, work, r.Launch.LocalResources); err != nil {
		return m.fail(c, api.NMContainerLocalizationFailed, fmt.Sprintf("localization failed: %v", err))
	}
	m.setState(c, api.NMContainerLocalized)
	spec, err := m.spec(rec, r.Launch)
	if err != nil {
		return m.fail(c, api.NMContainerExitedFailure, err.Error())
	}
	m.mu.Lock()
	stopped := c.rec.StopStatus != 0
	m.mu.Unlock()
	if stopped {
		return m.fail(c, api.NMContainerCleanedUpAfterKill, "container was stopped before it started")
	}
	if err := m.rt.Start(m.ctx, spec); err != nil {
		return m.fail(c, api.NMContainerExitedFailure, fmt.Sprintf("launching the container failed: %v", err))
	}

	m.mu.Lock()
	c.launched = true
	c.rec.State = api.NMContainerRunning
	stopStatus := c.rec.StopStatus
	if stopStatus != 0 {
		c.rec.State = api.NMContainerKilling
	}
	rec = c.rec
	m.goLocked(func() { m.wait(c) })
	m.mu.Unlock()
	m.persist(c)
	m.obs.ContainerLaunched()
	if stopStatus != 0 { // a stop arrived while it was launching
		m.stopAsync(id)
	}
	log.Info("container running")
	return nil
}

func (m *Manager) makeDirs(id api.ContainerID, user, work, logs string) error {
	var errs []error
	for _, d := range m.cfg.LocalDirs { // LOCAL_DIRS lists the app dir of every local dir
		errs = append(errs, os.MkdirAll(m.appCacheDir(d, user, id.App()), 0o755))
	}
	errs = append(errs, os.MkdirAll(work, 0o755), os.MkdirAll(logs, 0o755))
	return errors.Join(errs...)
}

func (m *Manager) setState(c *container, s api.NMContainerState) {
	m.mu.Lock()
	c.rec.State = s
	m.mu.Unlock()
}

// fail records a container that never ran as completed with diagnostics and
// returns the diagnostics as an error for the caller's Failed list. As in
// YARN, such a container's exit status is ExitInvalid (-1000).
func (m *Manager) fail(c *container, state api.NMContainerState, diag string) error {
	m.mu.Lock()
	c.rec.State = state
	c.rec.Complete = true
	c.rec.ExitStatus = api.ExitInvalid
	if c.rec.StopStatus != 0 {
		c.rec.ExitStatus = c.rec.StopStatus
	}
	c.rec.Diagnostics = diag
	c.rec.FinishedAt = m.now().UnixMilli()
	close(c.done)
	rec := c.rec
	m.mu.Unlock()
	m.persist(c)
	m.notify()
	m.obs.ContainerLaunchFailed(rec.State)
	m.log.Warn("container failed to start", zap.String("container_id", rec.ID.String()),
		zap.String("app_id", rec.ID.App().String()), zap.String("diagnostics", diag))
	return errors.New(diag)
}
