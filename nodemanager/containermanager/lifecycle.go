package containermanager

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/nodemanager/logaggregation"
)

// stopDiagnostics is YARN's diagnostic for a container stopped on request.
func stopDiagnostics(status int) string {
	switch status {
	case api.ExitKilledByAppMaster:
		return "Container killed by the ApplicationMaster."
	case api.ExitKilledByResourceManager:
		return "Container killed by the ResourceManager."
	case api.ExitKilledAfterAppCompletion:
		return "Container killed on application finish."
	case api.ExitAborted:
		return "Container killed on NodeManager shutdown."
	}
	return fmt.Sprintf("Container killed on request (status %d).", status)
}

// wait waits for a launched container's outcome. If the manager shuts down
// first (ctx cancelled), it returns without recording anything: the
// container keeps running for a later NodeManager to recover.
func (m *Manager) wait(c *container) {
	id := c.rec.ID
	st, err := m.rt.Wait(m.ctx, id)
	if err != nil {
		if m.ctx.Err() != nil {
			return
		}
		st = statusLost(err)
	}
	m.complete(c, st.ExitCode, st.Diagnostics)
	// Not m.ctx: a shutdown that stopped the container cancels it right after
	// the container completed, and the runtime must still release it (docker
	// rm), or it leaks.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(m.ctx), removeTimeout)
	defer cancel()
	if err := m.rt.Remove(rctx, id); err != nil {
		m.log.Warn("removing container from the runtime failed", zap.String("container_id", id.String()), zap.Error(err))
	}
}

// removeTimeout bounds releasing an exited container from the runtime.
const removeTimeout = 30 * time.Second

func statusLost(err error) containers.Status {
	return containers.Status{ExitCode: api.ExitAborted, Diagnostics: fmt.Sprintf("Container lost: %v", err)}
}

// complete records a launched container's exit. A container asked to stop
// reports the stop's status (-105, -106, -107), unless the runtime itself
// gave a YARN status (a memory kill); otherwise its exit code.
func (m *Manager) complete(c *container, code int, runtimeDiag string) {
	m.mu.Lock()
	if c.rec.Complete {
		m.mu.Unlock()
		return
	}
	status := code
	var diag []string
	switch {
	case code < 0 && code != api.ExitInvalid:
		// a status from the runtime: keep it
	case c.rec.StopStatus != 0:
		status = c.rec.StopStatus
		diag = append(diag, stopDiagnostics(status))
		if code != 0 && runtimeDiag == "" {
			diag = append(diag, fmt.Sprintf("Container killed on request. Exit code is %d", code))
		}
	}
	if runtimeDiag != "" {
		diag = append(diag, runtimeDiag)
	} else if status > 0 {
		diag = append(diag, fmt.Sprintf("Container exited with a non-zero exit code %d.", status))
	}
	c.rec.Complete = true
	c.rec.ExitStatus = status
	c.rec.Diagnostics = strings.Join(diag, "\n")
	c.rec.FinishedAt = m.now().UnixMilli()
	switch {
	case c.rec.StopStatus != 0:
		c.rec.State = api.NMContainerCleanedUpAfterKill
	case status == 0:
		c.rec.State = api.NMContainerExitedSuccess
	default:
		c.rec.State = api.NMContainerExitedFailure
	}
	close(c.done)
	rec := c.rec
	m.mu.Unlock()
	m.persist(c)
	m.notify()
	m.obs.ContainerCompleted(rec.ExitStatus)
	m.log.Info("container completed", zap.String("container_id", rec.ID.String()),
		zap.String("app_id", rec.ID.App().String()), zap.Int("exit_status", rec.ExitStatus))
}

// StopByAM stops the containers named by tokens at an application master's
// request (exit status -105). Tokens must verify (signature, this node) or
// the call fails with INVALID_TOKEN; unknown containers go in Failed.
// Stopping is asynchronous: the outcome arrives through the runtime.
func (m *Manager) StopByAM(req rpc.ContainersRequest) (rpc.StopContainersResponse, error) {
	now := m.now()
	for _, t := range req.Tokens {
		if err := m.verify(t, now, false); err != nil {
			return rpc.StopContainersResponse{}, err
		}
	}
	var resp rpc.StopContainersResponse
	for _, t := range req.Tokens {
		if err := m.stop(t.ContainerID, api.ExitKilledByAppMaster); err != nil {
			resp.Failed = append(resp.Failed, rpc.ContainerError{ContainerID: t.ContainerID, Error: err.Error()})
			continue
		}
		resp.Stopped = append(resp.Stopped, t.ContainerID)
	}
	return resp, nil
}

// Statuses reports the containers named by tokens (verified as for StopByAM).
func (m *Manager) Statuses(req rpc.ContainersRequest) (rpc.ContainerStatusesResponse, error) {
	now := m.now()
	for _, t := range req.Tokens {
		if err := m.verify(t, now, false); err != nil {
			return rpc.ContainerStatusesResponse{}, err
		}
	}
	var resp rpc.ContainerStatusesResponse
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range req.Tokens {
		c := m.containers[t.ContainerID]
		if c == nil {
			resp.Failed = append(resp.Failed, rpc.ContainerError{ContainerID: t.ContainerID,
				Error: fmt.Sprintf("%v: %s", ErrUnknownContainer, t.ContainerID)})
			continue
		}
		resp.Statuses = append(resp.Statuses, statusOf(c.rec))
	}
	return resp, nil
}

// StopByRM stops containers the RM listed in ContainersToCleanup (exit
// status -106). Unknown ids are ignored.
func (m *Manager) StopByRM(ids []api.ContainerID) {
	for _, id := range ids {
		if err := m.stop(id, api.ExitKilledByResourceManager); err != nil {
			m.log.Debug("RM asked to stop an unknown container", zap.String("container_id", id.String()))
		}
	}
}

// stop asks a container to stop, recording status as the exit status it
// will report. Stopping a completed container does nothing.
func (m *Manager) stop(id api.ContainerID, status int) error {
	m.mu.Lock()
	c := m.containers[id]
	if c == nil {
		m.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrUnknownContainer, id)
	}
	if c.rec.Complete || c.rec.StopStatus != 0 {
		m.mu.Unlock()
		return nil
	}
	c.rec.StopStatus = status
	launched := c.launched
	if launched {
		c.rec.State = api.NMContainerKilling
	}
	m.mu.Unlock()
	m.persist(c)
	m.log.Info("stopping container", zap.String("container_id", id.String()), zap.Int("exit_status", status))
	if launched {
		m.stopAsync(id)
	}
	return nil
}

// stopAsync stops a launched container in the background; the waiter
// records the outcome.
func (m *Manager) stopAsync(id api.ContainerID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.goLocked(func() {
		if err := m.rt.Stop(m.ctx, id, m.cfg.StopGrace); err != nil && m.ctx.Err() == nil {
			m.log.Warn("stopping container failed", zap.String("container_id", id.String()), zap.Error(err))
		}
	})
}

// CleanupApps handles the RM's AppsToCleanup: each application's containers
// are stopped (exit status -107), then its work dirs are removed. Its logs
// stay for the retention period. Unknown applications are ignored.
func (m *Manager) CleanupApps(ids []api.ApplicationID) {
	now := m.now()
	for _, id := range ids {
		m.mu.Lock()
		a := m.apps[id]
		if a == nil || a.finished {
			m.mu.Unlock()
			continue
		}
		a.finished, a.finishedAt = true, now
		user := a.user
		m.mu.Unlock()
		m.persistApp(id, user, now)
		m.log.Info("cleaning up application", zap.String("app_id", id.String()))
		m.cleanupApp(id)
	}
}

func (m *Manager) persistApp(id api.ApplicationID, user string, finishedAt time.Time) {
	if m.store == nil {
		return
	}
	if err := m.store.PutApp(appRecord(id, user, finishedAt)); err != nil {
		m.log.Error("persisting application record failed", zap.String("app_id", id.String()), zap.Error(err))
	}
}

// cleanupApp stops a finished application's containers and, once all have
// exited, removes its work dirs and marks its containers DONE.
func (m *Manager) cleanupApp(id api.ApplicationID) {
	m.mu.Lock()
	a := m.apps[id]
	if a == nil {
		m.mu.Unlock()
		return
	}
	ids := append([]api.ContainerID(nil), a.containers...)
	user := a.user
	var done []chan struct{}
	for _, cid := range ids {
		done = append(done, m.containers[cid].done)
	}
	m.mu.Unlock()
	for _, cid := range ids {
		_ = m.stop(cid, api.ExitKilledAfterAppCompletion)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.goLocked(func() {
		for _, d := range done {
			select {
			case <-d:
			case <-m.ctx.Done():
				return
			}
		}
		for _, dir := range m.cfg.LocalDirs {
			if err := os.RemoveAll(m.appCacheDir(dir, user, id)); err != nil {
				m.log.Warn("removing application work dir failed", zap.String("app_id", id.String()), zap.Error(err))
			}
		}
		m.mu.Lock()
		var recs = make([]api.ContainerID, 0, len(ids))
		agg := logaggregation.App{ID: id, User: user}
		if a := m.apps[id]; a != nil {
			agg.FinishedAt = a.finishedAt
		}
		for _, cid := range ids {
			c := m.containers[cid]
			if c == nil {
				continue
			}
			if c.rec.LogDir != "" {
				agg.Containers = append(agg.Containers, logaggregation.Container{ID: cid, LogDir: c.rec.LogDir})
			}
			if c.rec.State != api.NMContainerDone {
				c.rec.State = api.NMContainerDone
				recs = append(recs, cid)
			}
		}
		m.mu.Unlock()
		for _, cid := range recs {
			m.persistID(cid)
		}
		if m.agg != nil {
			m.agg.Aggregate(agg)
		}
	})
}

func (m *Manager) persistID(id api.ContainerID) {
	m.mu.Lock()
	c := m.containers[id]
	if c == nil {
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	m.persist(c)
}

// PurgeExpired forgets finished applications whose logs have been kept for
// the retention period at now (see logsExpired): their log dirs and records
// are deleted and they leave the REST listings.
func (m *Manager) PurgeExpired(now time.Time) {
	m.mu.Lock()
	var purge []*app
	for _, a := range m.apps {
		if !a.finished || !m.logsExpired(a, now) {
			continue
		}
		live := false
		for _, cid := range a.containers {
			if !m.containers[cid].rec.Complete {
				live = true
			}
		}
		if !live {
			purge = append(purge, a)
			delete(m.apps, a.id)
			for _, cid := range a.containers {
				delete(m.containers, cid)
			}
		}
	}
	m.mu.Unlock()
	for _, a := range purge {
		for _, dir := range m.cfg.LogDirs {
			if err := os.RemoveAll(filepath.Join(dir, a.id.String())); err != nil {
				m.log.Warn("removing application logs failed", zap.String("app_id", a.id.String()), zap.Error(err))
			}
		}
		if m.store != nil {
			for _, cid := range a.containers {
				_ = m.store.DeleteContainer(cid)
			}
			_ = m.store.DeleteApp(a.id)
		}
		m.log.Info("application logs expired", zap.String("app_id", a.id.String()))
	}
}

// logsExpired says whether a finished application's local logs may go at
// now: after LogRetain when they are not aggregated or their aggregation
// FAILED; AggregatedLogRetain after their aggregation SUCCEEDED; never while
// it is pending or running.
func (m *Manager) logsExpired(a *app, now time.Time) bool {
	if m.agg == nil {
		return !now.Before(a.finishedAt.Add(m.cfg.LogRetain))
	}
	status, at, ok := m.agg.Status(a.id)
	switch {
	case !ok:
		// Not handed over yet (its containers are still exiting), or never
		// (the RM's clean-up order was lost): kept as long as any logs are.
		return !now.Before(a.finishedAt.Add(max(m.cfg.LogRetain, m.cfg.AggregatedLogRetain)))
	case status == api.LogAggSucceeded:
		return !now.Before(at.Add(m.cfg.AggregatedLogRetain))
	case status == api.LogAggFailed:
		return !now.Before(a.finishedAt.Add(m.cfg.LogRetain))
	}
	return false
}

// Run deletes expired logs every interval until ctx is done.
func (m *Manager) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.PurgeExpired(m.now())
		}
	}
}

// Shutdown stops the manager. With kill, running containers are stopped
// (exit status -100) and awaited until ctx is done; without, they keep
// running for a restarted NodeManager to recover. Either way no container is
// started afterwards and every background goroutine has ended on return.
func (m *Manager) Shutdown(ctx context.Context, kill bool) {
	m.mu.Lock()
	m.closing = true
	var live []*container
	for _, c := range m.containers {
		if !c.rec.Complete {
			live = append(live, c)
		}
	}
	m.mu.Unlock()
	if kill {
		for _, c := range live {
			_ = m.stop(c.rec.ID, api.ExitAborted)
		}
		for _, c := range live {
			select {
			case <-c.done:
			case <-ctx.Done():
			}
		}
	}
	m.mu.Lock()
	m.cancel()
	m.mu.Unlock()
	m.wg.Wait()
}
