package containermanager

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Recover rebuilds the manager's view after a NodeManager restart: it loads
// the container and application records, asks the runtime which of its
// containers survived, re-attaches to those (their outcome is then recorded
// as usual; those that exited meanwhile are recorded before Recover returns,
// so the registration reports them), and records as completed the ones that
// vanished. Containers the
// runtime knows but no record names (started by nobody this NM remembers),
// or whose record is complete (the NM went down before removing them), are
// stopped and removed. Corrupt records are logged and skipped.
func (m *Manager) Recover(ctx context.Context) error {
	if m.store == nil {
		return nil
	}
	recs, apps, err := m.store.Load()
	if err != nil {
		m.log.Warn("some NodeManager state records could not be read", zap.Error(err))
	}
	statuses, err := m.rt.Recover(ctx)
	if err != nil {
		return fmt.Errorf("containermanager: recovering %s runtime: %w", m.rt.Name(), err)
	}
	alive := make(map[api.ContainerID]containers.Status, len(statuses))
	for _, st := range statuses {
		alive[st.ID] = st
	}

	var restop, leftover []api.ContainerID
	var vanished, exited []*container
	m.mu.Lock()
	for _, rec := range recs {
		c := &container{rec: rec, done: make(chan struct{})}
		m.addLocked(c)
		st, known := alive[rec.ID]
		delete(alive, rec.ID)
		switch {
		case rec.Complete:
			close(c.done)
			if known { // completed, but the restart came before the runtime removed it
				leftover = append(leftover, rec.ID)
			}
		case known:
			c.launched = true
			c.rec.State = api.NMContainerRunning
			if rec.StopStatus != 0 {
				c.rec.State = api.NMContainerKilling
				if st.Running {
					restop = append(restop, rec.ID)
				}
			}
			if !st.Running { // exited while the NM was down: recorded before Recover returns
				exited = append(exited, c)
				break
			}
			m.goLocked(func() { m.wait(c) })
		default:
			vanished = append(vanished, c)
		}
	}
	var unfinished []api.ApplicationID
	for _, ar := range apps {
		a := m.apps[ar.ID]
		if a == nil { // logs of an application with no container record left
			a = &app{id: ar.ID, user: ar.User}
			m.apps[ar.ID] = a
		}
		a.finished, a.finishedAt = true, time.UnixMilli(ar.FinishedAt)
		unfinished = append(unfinished, ar.ID)
	}
	m.mu.Unlock()

	for _, c := range exited { // so the registration that follows reports them complete
		m.wait(c)
	}
	for _, c := range vanished {
		if c.rec.State == api.NMContainerNew || c.rec.State == api.NMContainerLocalizing || c.rec.State == api.NMContainerLocalized {
			_ = m.fail(c, api.NMContainerExitedFailure, "NodeManager restarted before the container started")
			continue
		}
		m.complete(c, api.ExitAborted, "Container was lost while the NodeManager restarted.")
	}
	for _, id := range restop {
		m.stopAsync(id)
	}
	for _, id := range unfinished { // finish a cleanup the restart interrupted
		m.cleanupApp(id)
	}
	for id := range alive {
		m.log.Warn("stopping a container no record names", zap.String("container_id", id.String()))
		leftover = append(leftover, id)
	}
	for _, id := range leftover {
		orphan := id
		m.mu.Lock()
		m.goLocked(func() {
			if err := m.rt.Stop(m.ctx, orphan, m.cfg.StopGrace); err == nil {
				_, _ = m.rt.Wait(m.ctx, orphan)
				_ = m.rt.Remove(m.ctx, orphan)
			}
		})
		m.mu.Unlock()
	}
	m.log.Info("recovered containers", zap.Int("records", len(recs)), zap.Int("applications", len(apps)))
	return nil
}
