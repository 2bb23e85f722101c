package containermanager

import (
	"fmt"
	"sort"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

func statusOf(rec nmstate.Container) rpc.ContainerStatus {
	st := rpc.ContainerStatus{
		ContainerID: rec.ID, ExitStatus: api.ExitInvalid, Resource: rec.Resource,
		Priority: rec.Priority, Diagnostics: rec.Diagnostics,
	}
	switch {
	case rec.Complete:
		st.State, st.ExitStatus = api.RunComplete, rec.ExitStatus
	case rec.State == api.NMContainerNew, rec.State == api.NMContainerLocalizing, rec.State == api.NMContainerLocalized:
		st.State = api.RunNew
	default:
		st.State = api.RunRunning
	}
	return st
}

func appRecord(id api.ApplicationID, user string, finishedAt time.Time) nmstate.App {
	return nmstate.App{ID: id, User: user, FinishedAt: finishedAt.UnixMilli()}
}

// HeartbeatStatuses are the statuses a heartbeat carries: every container
// not yet completed, and completed ones the RM has not acknowledged.
func (m *Manager) HeartbeatStatuses() []rpc.ContainerStatus {
	return m.statuses(func(c *container, a *app) bool { return !c.rec.Complete || !c.rec.Acked })
}

// RegisterStatuses are the statuses a (re-)registration carries, so an RM
// can rebuild its view of the node: every container of applications not yet
// finished, and any completed container not yet acknowledged.
func (m *Manager) RegisterStatuses() []rpc.ContainerStatus {
	return m.statuses(func(c *container, a *app) bool { return !a.finished || !c.rec.Complete || !c.rec.Acked })
}

func (m *Manager) statuses(include func(*container, *app) bool) []rpc.ContainerStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []rpc.ContainerStatus{}
	for _, c := range m.containers {
		if include(c, m.apps[c.rec.ID.App()]) {
			out = append(out, statusOf(c.rec))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ContainerID.String() < out[j].ContainerID.String() })
	return out
}

// AckCompleted marks completed containers as acknowledged by the RM: later
// heartbeats leave them out.
func (m *Manager) AckCompleted(ids []api.ContainerID) {
	for _, id := range ids {
		m.mu.Lock()
		c := m.containers[id]
		if c == nil || !c.rec.Complete || c.rec.Acked {
			m.mu.Unlock()
			continue
		}
		c.rec.Acked = true
		m.mu.Unlock()
		m.persist(c)
	}
}

// ContainerInfo is a snapshot of one container for the REST API.
type ContainerInfo struct {
	ID          api.ContainerID
	User        string
	State       api.NMContainerState
	Complete    bool
	ExitStatus  int // api.ExitInvalid until the container exits
	Diagnostics string
	Resource    api.Resource
	WorkDir     string
	LogDir      string
	StartedAt   time.Time
	FinishedAt  time.Time // zero while running
}

// AppInfo is a snapshot of one application on this node.
type AppInfo struct {
	ID         api.ApplicationID
	User       string
	State      api.NMAppState
	Containers []api.ContainerID // still listed containers, in start order
}

func infoOf(rec nmstate.Container) ContainerInfo {
	ci := ContainerInfo{
		ID: rec.ID, User: rec.User, State: rec.State, Complete: rec.Complete, ExitStatus: rec.ExitStatus,
		Diagnostics: rec.Diagnostics, Resource: rec.Resource, WorkDir: rec.WorkDir, LogDir: rec.LogDir,
		StartedAt: time.UnixMilli(rec.StartedAt),
	}
	if !rec.Complete {
		ci.ExitStatus = api.ExitInvalid
	}
	if rec.FinishedAt > 0 {
		ci.FinishedAt = time.UnixMilli(rec.FinishedAt)
	}
	return ci
}

// Containers lists every container still known (running, or finished with
// logs retained), sorted by id.
func (m *Manager) Containers() []ContainerInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]ContainerInfo, 0, len(m.containers))
	for _, c := range m.containers {
		out = append(out, infoOf(c.rec))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out
}

// Container returns one container's snapshot, or ErrUnknownContainer.
func (m *Manager) Container(id api.ContainerID) (ContainerInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.containers[id]
	if c == nil {
		return ContainerInfo{}, fmt.Errorf("%w: %s", ErrUnknownContainer, id)
	}
	return infoOf(c.rec), nil
}

func (m *Manager) appInfoLocked(a *app) AppInfo {
	ai := AppInfo{ID: a.id, User: a.user, Containers: append([]api.ContainerID(nil), a.containers...)}
	switch {
	case a.finished:
		ai.State = api.NMAppFinished
		for _, cid := range a.containers {
			if !m.containers[cid].rec.Complete {
				ai.State = api.NMAppCleanup
			}
		}
	default:
		ai.State = api.NMAppIniting
		for _, cid := range a.containers {
			if s := m.containers[cid].rec.State; s != api.NMContainerNew && s != api.NMContainerLocalizing {
				ai.State = api.NMAppRunning
			}
		}
	}
	return ai
}

// Apps lists the applications with containers on this node, sorted by id.
func (m *Manager) Apps() []AppInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]AppInfo, 0, len(m.apps))
	for _, a := range m.apps {
		out = append(out, m.appInfoLocked(a))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out
}

// App returns one application's snapshot, or ErrUnknownApp.
func (m *Manager) App(id api.ApplicationID) (AppInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.apps[id]
	if a == nil {
		return AppInfo{}, fmt.Errorf("%w: %s", ErrUnknownApp, id)
	}
	return m.appInfoLocked(a), nil
}

// Allocated is the sum of the resources of containers not yet completed.
func (m *Manager) Allocated() api.Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	var r api.Resource
	for _, c := range m.containers {
		if !c.rec.Complete {
			r = r.Add(c.rec.Resource)
		}
	}
	return r
}
