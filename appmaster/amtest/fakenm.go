package amtest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
)

// NMOptions script a FakeNM.
type NMOptions struct {
	// Exit is the exit code of a started container (nil: 0).
	Exit func(id api.ContainerID, launch api.LaunchContext) int
	// Hold keeps started containers running until Exit is called; by
	// default they exit as soon as they start.
	Hold bool
	// Reject, when it returns a non-empty reason, fails that start.
	Reject func(id api.ContainerID) string
}

// FakeNM is an NM's container API in one httptest server. Its NodeID is its
// listen address, so containers the FakeRM grants on it lead here.
type FakeNM struct {
	srv  *httptest.Server
	rm   *FakeRM
	opts NMOptions
	node api.NodeID

	mu       sync.Mutex
	launches map[api.ContainerID]api.LaunchContext
	started  []api.ContainerID
	status   map[api.ContainerID]rpc.ContainerStatus
	stopped  []api.ContainerID
}

// NewFakeNM starts a FakeNM, adds it to rm's nodes, and has the test's
// cleanup close it.
func NewFakeNM(t testing.TB, rm *FakeRM, opts NMOptions) *FakeNM {
	t.Helper()
	nm := &FakeNM{rm: rm, opts: opts, launches: map[api.ContainerID]api.LaunchContext{}, status: map[api.ContainerID]rpc.ContainerStatus{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+rpc.PathContainersStart, nm.handleStart)
	mux.HandleFunc("POST "+rpc.PathContainersStop, nm.handleStop)
	mux.HandleFunc("POST "+rpc.PathContainersStatus, nm.handleStatus)
	nm.srv = httptest.NewServer(mux)
	t.Cleanup(nm.srv.Close)
	node, err := api.ParseNodeID(nm.srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("fake NM address: %v", err)
	}
	nm.node = node
	rm.AddNode(node)
	return nm
}

// NodeID is the NM's id (its RPC address).
func (nm *FakeNM) NodeID() api.NodeID { return nm.node }

func (nm *FakeNM) verify(tok security.ContainerToken) string {
	if err := security.VerifyContainerToken(nm.rm.Secret(), tok, nm.node, time.Now()); err != nil {
		return err.Error()
	}
	return ""
}

func (nm *FakeNM) handleStart(w http.ResponseWriter, r *http.Request) {
	var req rpc.StartContainersRequest
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	var resp rpc.StartContainersResponse
	for _, c := range req.Containers {
		id := c.Token.ContainerID
		reason := nm.verify(c.Token)
		if reason == "" && nm.opts.Reject != nil {
			reason = nm.opts.Reject(id)
		}
		nm.mu.Lock()
		if _, dup := nm.launches[id]; reason == "" && dup {
			reason = "container " + id.String() + " was already started"
		}
		if reason != "" {
			nm.mu.Unlock()
			resp.Failed = append(resp.Failed, rpc.ContainerError{ContainerID: id, Error: reason})
			continue
		}
		nm.launches[id] = c.Launch
		nm.started = append(nm.started, id)
		nm.status[id] = rpc.ContainerStatus{ContainerID: id, State: api.RunRunning, ExitStatus: api.ExitInvalid, Resource: c.Token.Resource, Priority: c.Token.Priority}
		nm.mu.Unlock()
		resp.Started = append(resp.Started, id)
		if !nm.opts.Hold {
			code := 0
			if nm.opts.Exit != nil {
				code = nm.opts.Exit(id, c.Launch)
			}
			nm.Exit(id, code)
		}
	}
	rpc.WriteJSON(w, http.StatusOK, resp)
}

// Exit ends a running container with code and reports it to the RM.
func (nm *FakeNM) Exit(id api.ContainerID, code int) {
	nm.finish(id, code, "")
}

func (nm *FakeNM) finish(id api.ContainerID, code int, diagnostics string) bool {
	nm.mu.Lock()
	st, ok := nm.status[id]
	if !ok || st.State == api.RunComplete {
		nm.mu.Unlock()
		return false
	}
	st.State, st.ExitStatus, st.Diagnostics = api.RunComplete, code, diagnostics
	nm.status[id] = st
	nm.mu.Unlock()
	nm.rm.Complete(id, code, diagnostics)
	return true
}

func (nm *FakeNM) handleStop(w http.ResponseWriter, r *http.Request) {
	var req rpc.ContainersRequest
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	var resp rpc.StopContainersResponse
	for _, tok := range req.Tokens {
		id := tok.ContainerID
		if reason := nm.verify(tok); reason != "" {
			resp.Failed = append(resp.Failed, rpc.ContainerError{ContainerID: id, Error: reason})
			continue
		}
		nm.finish(id, api.ExitKilledByAppMaster, "Container killed by the ApplicationMaster.")
		nm.mu.Lock()
		nm.stopped = append(nm.stopped, id)
		nm.mu.Unlock()
		resp.Stopped = append(resp.Stopped, id)
	}
	rpc.WriteJSON(w, http.StatusOK, resp)
}

func (nm *FakeNM) handleStatus(w http.ResponseWriter, r *http.Request) {
	var req rpc.ContainersRequest
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	var resp rpc.ContainerStatusesResponse
	nm.mu.Lock()
	for _, tok := range req.Tokens {
		st, ok := nm.status[tok.ContainerID]
		if reason := nm.verify(tok); reason != "" || !ok {
			if reason == "" {
				reason = "unknown container " + tok.ContainerID.String()
			}
			resp.Failed = append(resp.Failed, rpc.ContainerError{ContainerID: tok.ContainerID, Error: reason})
			continue
		}
		resp.Statuses = append(resp.Statuses, st)
	}
	nm.mu.Unlock()
	rpc.WriteJSON(w, http.StatusOK, resp)
}

// Launches are the launch contexts of the containers started here.
func (nm *FakeNM) Launches() map[api.ContainerID]api.LaunchContext {
	nm.mu.Lock()
	defer nm.mu.Unlock()
	out := make(map[api.ContainerID]api.LaunchContext, len(nm.launches))
	for k, v := range nm.launches {
		out[k] = v
	}
	return out
}

// Started lists the containers started here, in order.
func (nm *FakeNM) Started() []api.ContainerID {
	nm.mu.Lock()
	defer nm.mu.Unlock()
	return slices.Clone(nm.started)
}

// Stopped lists the containers the AM stopped here, in order.
func (nm *FakeNM) Stopped() []api.ContainerID {
	nm.mu.Lock()
	defer nm.mu.Unlock()
	return slices.Clone(nm.stopped)
}

// Running lists the containers running here.
func (nm *FakeNM) Running() []api.ContainerID {
	nm.mu.Lock()
	defer nm.mu.Unlock()
	var out []api.ContainerID
	for _, id := range nm.started {
		if nm.status[id].State == api.RunRunning {
			out = append(out, id)
		}
	}
	return out
}
