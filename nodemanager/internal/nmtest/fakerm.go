package nmtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
)

// FakeRM is an RM that records what NMs send and answers from a script.
type FakeRM struct {
	Server *httptest.Server
	bearer string

	mu          sync.Mutex
	registers   []rpc.RegisterNodeRequest
	heartbeats  []rpc.NodeHeartbeatRequest
	unregisters []rpc.UnregisterNodeRequest
	next        []any // queued heartbeat answers: rpc.NodeHeartbeatResponse or *rpc.Error
	regNext     []any // queued register answers
	responseID  int64
	// IntervalMs is the heartbeat interval the RM hands out.
	IntervalMs int64
}

// NewFakeRM starts a fake RM on 127.0.0.1 that wants secret's node key as
// bearer; it is closed when the test ends.
func NewFakeRM(t testing.TB, secret security.Secret) *FakeRM {
	rm := &FakeRM{bearer: secret.NodeKey(), IntervalMs: 20}
	mux := http.NewServeMux()
	mux.HandleFunc(rpc.PathNodeRegister, rm.handleRegister)
	mux.HandleFunc(rpc.PathNodeHeartbeat, rm.handleHeartbeat)
	mux.HandleFunc(rpc.PathNodeUnregister, rm.handleUnregister)
	rm.Server = httptest.NewServer(mux)
	t.Cleanup(rm.Server.Close)
	return rm
}

// Addr is the RM's host:port.
func (rm *FakeRM) Addr() string { return strings.TrimPrefix(rm.Server.URL, "http://") }

func (rm *FakeRM) auth(w http.ResponseWriter, r *http.Request) bool {
	if !security.Equal(rpc.Bearer(r), rm.bearer) {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeUnauthorized, "bad node credential"))
		return false
	}
	return true
}

func (rm *FakeRM) handleRegister(w http.ResponseWriter, r *http.Request) {
	var req rpc.RegisterNodeRequest
	if !rm.auth(w, r) {
		return
	}
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	rm.mu.Lock()
	rm.registers = append(rm.registers, req)
	var answer any = rpc.RegisterNodeResponse{Action: rpc.ActionNormal, RMIdentifier: 1, HeartbeatIntervalMs: rm.IntervalMs}
	if len(rm.regNext) > 0 {
		answer, rm.regNext = rm.regNext[0], rm.regNext[1:]
	}
	rm.responseID = 0
	rm.mu.Unlock()
	rm.write(w, answer)
}

func (rm *FakeRM) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	var req rpc.NodeHeartbeatRequest
	if !rm.auth(w, r) {
		return
	}
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	rm.mu.Lock()
	rm.heartbeats = append(rm.heartbeats, req)
	rm.responseID++
	var answer any = rpc.NodeHeartbeatResponse{Action: rpc.ActionNormal, HeartbeatIntervalMs: rm.IntervalMs}
	if len(rm.next) > 0 {
		answer, rm.next = rm.next[0], rm.next[1:]
	}
	if hr, ok := answer.(rpc.NodeHeartbeatResponse); ok {
		hr.ResponseID = rm.responseID
		answer = hr
	}
	rm.mu.Unlock()
	rm.write(w, answer)
}

func (rm *FakeRM) handleUnregister(w http.ResponseWriter, r *http.Request) {
	var req rpc.UnregisterNodeRequest
	if !rm.auth(w, r) {
		return
	}
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	rm.mu.Lock()
	rm.unregisters = append(rm.unregisters, req)
	rm.mu.Unlock()
	rpc.WriteJSON(w, http.StatusOK, rpc.Empty{})
}

func (rm *FakeRM) write(w http.ResponseWriter, answer any) {
	if e, ok := answer.(*rpc.Error); ok {
		rpc.WriteError(w, e)
		return
	}
	rpc.WriteJSON(w, http.StatusOK, answer)
}

// QueueHeartbeat queues answers (rpc.NodeHeartbeatResponse or *rpc.Error)
// for the next heartbeats; ResponseID is filled in.
func (rm *FakeRM) QueueHeartbeat(answers ...any) {
	rm.mu.Lock()
	rm.next = append(rm.next, answers...)
	rm.mu.Unlock()
}

// QueueRegister queues answers (rpc.RegisterNodeResponse or *rpc.Error) for
// the next registrations.
func (rm *FakeRM) QueueRegister(answers ...any) {
	rm.mu.Lock()
	rm.regNext = append(rm.regNext, answers...)
	rm.mu.Unlock()
}

// Registers returns the registrations received so far.
func (rm *FakeRM) Registers() []rpc.RegisterNodeRequest {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return append([]rpc.RegisterNodeRequest(nil), rm.registers...)
}

// Heartbeats returns the heartbeats received so far.
func (rm *FakeRM) Heartbeats() []rpc.NodeHeartbeatRequest {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return append([]rpc.NodeHeartbeatRequest(nil), rm.heartbeats...)
}

// Unregisters returns the unregistrations received so far.
func (rm *FakeRM) Unregisters() []rpc.UnregisterNodeRequest {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return append([]rpc.UnregisterNodeRequest(nil), rm.unregisters...)
}

// LastHeartbeat returns the latest heartbeat and whether there was one.
func (rm *FakeRM) LastHeartbeat() (rpc.NodeHeartbeatRequest, bool) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if len(rm.heartbeats) == 0 {
		return rpc.NodeHeartbeatRequest{}, false
	}
	return rm.heartbeats[len(rm.heartbeats)-1], true
}

// Eventually polls cond every 5 ms until it holds, failing the test after
// 10 s.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
