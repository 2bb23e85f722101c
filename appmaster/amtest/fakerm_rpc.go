package amtest

import (
	"net/http"
	"slices"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
)

// check authenticates and decodes a call; it answers the failure itself.
func (rm *FakeRM) check(w http.ResponseWriter, r *http.Request, attempt func() api.AttemptID, v any) bool {
	rm.mu.Lock()
	active := rm.active
	rm.mu.Unlock()
	if !active {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeNotActive, "this resource manager is standby"))
		return false
	}
	if err := rpc.Decode(r, v); err != nil {
		rpc.WriteError(w, err)
		return false
	}
	if security.VerifyAMToken(rm.secret, attempt(), rpc.Bearer(r)) != nil {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeInvalidToken, "AM token does not match attempt %s", attempt()))
		return false
	}
	if attempt() != rm.opts.Attempt {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeAttemptNotFound, "attempt %s is not the current attempt", attempt()))
		return false
	}
	return true
}

func (rm *FakeRM) handleRegister(w http.ResponseWriter, r *http.Request) {
	var req rpc.RegisterAMRequest
	if !rm.check(w, r, func() api.AttemptID { return req.AttemptID }, &req) {
		return
	}
	rm.mu.Lock()
	rm.registrations = append(rm.registrations, req)
	rm.registered, rm.lastID, rm.lastResp = true, 0, nil
	resp := rpc.RegisterAMResponse{
		MaximumCapability: api.Res(8192, 32), MinimumCapability: api.Res(1024, 1).Max(rm.opts.MinAllocation),
		Queue: "default", User: "tester",
	}
	for _, c := range rm.live {
		resp.ContainersFromPreviousAttempts = append(resp.ContainersFromPreviousAttempts, c)
	}
	rm.mu.Unlock()
	rpc.WriteJSON(w, http.StatusOK, resp)
}

func (rm *FakeRM) handleAllocate(w http.ResponseWriter, r *http.Request) {
	var req rpc.AllocateRequest
	if !rm.check(w, r, func() api.AttemptID { return req.AttemptID }, &req) {
		return
	}
	rm.mu.Lock()
	rm.allocates = append(rm.allocates, req)
	resp, drop, err := rm.allocateLocked(req)
	rm.mu.Unlock()
	switch {
	case err != nil:
		rpc.WriteError(w, err)
	case drop:
		conn, _, herr := http.NewResponseController(w).Hijack()
		if herr == nil {
			conn.Close()
		}
	default:
		rpc.WriteJSON(w, http.StatusOK, resp)
	}
}

func (rm *FakeRM) allocateLocked(req rpc.AllocateRequest) (rpc.AllocateResponse, bool, error) {
	if !rm.registered {
		return rpc.AllocateResponse{}, false, rpc.Errorf(rpc.CodeNotRegistered, "application master is not registered")
	}
	if rm.resyncNext {
		rm.resyncNext, rm.registered = false, false
		return rpc.AllocateResponse{ResponseID: req.ResponseID, AMCommand: rpc.AMResync}, false, nil
	}
	if rm.lastResp != nil && req.ResponseID+1 == rm.lastID {
		return *rm.lastResp, false, nil // a repeated request: the same answer, asks ignored (as YARN)
	}
	if req.ResponseID != rm.lastID {
		return rpc.AllocateResponse{}, false, rpc.Errorf(rpc.CodeConflict, "invalid responseId %d, expected %d", req.ResponseID, rm.lastID)
	}
	for _, a := range req.Asks {
		rm.asks[askKey{a.Priority, a.Capability}] = a.NumContainers
	}
	for _, id := range req.Releases {
		rm.released = append(rm.released, id)
		rm.completeLocked(id, api.ExitAborted, "Container released by the application")
		rm.toDeliver = slices.DeleteFunc(rm.toDeliver, func(c rpc.Container) bool { return c.ID == id })
	}
	if !rm.opts.Manual {
		rm.grantLocked(-1, 1<<30)
	}
	rm.lastID++
	resp := rpc.AllocateResponse{
		ResponseID: rm.lastID, Allocated: rm.toDeliver, Completed: rm.done,
		AvailableResources: api.Res(8192, 8), NumClusterNodes: len(rm.nodes),
	}
	if rm.shutdownNext {
		resp.AMCommand = rpc.AMShutdown
	}
	rm.toDeliver, rm.done = nil, nil
	rm.lastResp = &resp
	drop := rm.dropNext
	rm.dropNext = false
	return resp, drop, nil
}

func (rm *FakeRM) handleFinish(w http.ResponseWriter, r *http.Request) {
	var req rpc.FinishAMRequest
	if !rm.check(w, r, func() api.AttemptID { return req.AttemptID }, &req) {
		return
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if !rm.registered {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeNotRegistered, "application master is not registered"))
		return
	}
	rm.finishes = append(rm.finishes, req)
	if rm.holdFinish > 0 {
		rm.holdFinish--
		rpc.WriteJSON(w, http.StatusOK, rpc.FinishAMResponse{Unregistered: false})
		return
	}
	rm.unregistered = true
	rpc.WriteJSON(w, http.StatusOK, rpc.FinishAMResponse{Unregistered: true})
}

// Registrations are the register calls the RM took, in order.
func (rm *FakeRM) Registrations() []rpc.RegisterAMRequest {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return slices.Clone(rm.registrations)
}

// AllocateRequests are the allocate calls the RM took while registered or
// not, in order (a repeated request appears twice).
func (rm *FakeRM) AllocateRequests() []rpc.AllocateRequest {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return slices.Clone(rm.allocates)
}

// Finishes are the finish calls the RM took, in order.
func (rm *FakeRM) Finishes() []rpc.FinishAMRequest {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return slices.Clone(rm.finishes)
}

// Unregistered reports whether a finish call was answered "unregistered",
// and its request.
func (rm *FakeRM) Unregistered() (rpc.FinishAMRequest, bool) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if !rm.unregistered {
		return rpc.FinishAMRequest{}, false
	}
	return rm.finishes[len(rm.finishes)-1], true
}

// Outstanding is the RM's outstanding total for (priority, capability).
func (rm *FakeRM) Outstanding(priority int32, capability api.Resource) int32 {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return rm.asks[askKey{priority, capability}]
}

// Granted lists every container the RM ever granted, in order.
func (rm *FakeRM) Granted() []rpc.Container {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return slices.Clone(rm.granted)
}

// Released lists the container ids the AM released, in order.
func (rm *FakeRM) Released() []api.ContainerID {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return slices.Clone(rm.released)
}
