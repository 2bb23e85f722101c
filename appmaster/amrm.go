package appmaster

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
)

// Allocation is what one or more allocate calls brought: handle Allocated
// before Completed (a short container may arrive and finish in one batch).
type Allocation struct {
	Allocated    []rpc.Container
	Completed    []rpc.ContainerStatus
	UpdatedNodes []rpc.NodeReport
	// Available is the RM's headroom for the application at the last call.
	Available       api.Resource
	NumClusterNodes int
	// Resynced says the client re-registered (RM restart or failover): the
	// RM re-learned the running containers from the NMs and got every
	// outstanding ask again.
	Resynced bool
}

// Empty reports whether a carries no containers, statuses or node reports.
func (a *Allocation) Empty() bool {
	return a == nil || len(a.Allocated)+len(a.Completed)+len(a.UpdatedNodes) == 0 && !a.Resynced
}

func (a *Allocation) merge(b *Allocation) {
	a.Allocated = append(a.Allocated, b.Allocated...)
	a.Completed = append(a.Completed, b.Completed...)
	a.UpdatedNodes = append(a.UpdatedNodes, b.UpdatedNodes...)
	a.Available, a.NumClusterNodes = b.Available, b.NumClusterNodes
	a.Resynced = a.Resynced || b.Resynced
}

// AMRMClient is an application master's client of the RM. It is safe for
// concurrent use; allocate calls are serialized.
type AMRMClient struct {
	cfg Config
	rpc *rpc.Client
	log *zap.Logger

	allocMu sync.Mutex // one allocate (or resync) at a time

	mu         sync.Mutex
	registered bool
	register   rpc.RegisterAMRequest
	regResp    rpc.RegisterAMResponse
	responseID int64
	progress   float64
	asks       *askTable
	releases   map[api.ContainerID]bool
	known      map[api.ContainerID]bool // delivered and not yet completed
	// uncertain: the last allocate failed after its request may have reached
	// the RM, so the next request may be answered from the RM's cache and
	// its asks and releases ignored: send them once more after it.
	uncertain bool

	wake chan struct{} // asks or releases changed: heartbeat soon
}

// NewAMRMClient returns a client for cfg (validated). log may be nil.
func NewAMRMClient(cfg Config, log *zap.Logger) (*AMRMClient, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("am.rmclient").With(zap.String("app_id", cfg.AttemptID.App.String()))
	c := &AMRMClient{
		cfg:      cfg,
		log:      log,
		asks:     newAskTable(),
		releases: map[api.ContainerID]bool{},
		known:    map[api.ContainerID]bool{},
		wake:     make(chan struct{}, 1),
	}
	rc, err := rpc.NewClient(cfg.RMAddresses, rpc.Options{
		Bearer:      cfg.Token,
		MaxWait:     cfg.MaxWait,
		BackoffBase: cfg.BackoffBase,
		BackoffMax:  cfg.BackoffMax,
		Timeout:     cfg.Timeout,
		OnFailover: func(from, to string, cause error) {
			log.Info("trying another resource manager", zap.String("from", from), zap.String("to", to), zap.Error(cause))
		},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	c.rpc = rc
	return c, nil
}

// AttemptID is the attempt the client registers for.
func (c *AMRMClient) AttemptID() api.AttemptID { return c.cfg.AttemptID }

// CurrentRM is the RM address the next call goes to first.
func (c *AMRMClient) CurrentRM() string { return c.rpc.Current() }

// Close releases idle connections.
func (c *AMRMClient) Close() { c.rpc.Close() }

// Register registers the AM for its attempt. host and rpcPort are where the
// AM (or its driver) listens, trackingURL its web UI; both may be empty/0.
// The answer carries the cluster's minimum and maximum container size and,
// after an AM restart, the containers still running from earlier attempts.
func (c *AMRMClient) Register(ctx context.Context, host string, rpcPort int, trackingURL string) (rpc.RegisterAMResponse, error) {
	req := rpc.RegisterAMRequest{AttemptID: c.cfg.AttemptID, Host: host, RPCPort: rpcPort, TrackingURL: trackingURL}
	var resp rpc.RegisterAMResponse
	if err := c.rpc.Call(ctx, rpc.PathAMRegister, req, &resp); err != nil {
		return resp, c.classify("register", err)
	}
	c.mu.Lock()
	c.registered, c.register, c.regResp, c.responseID = true, req, resp, 0
	for _, ct := range resp.ContainersFromPreviousAttempts {
		c.known[ct.ID] = true
	}
	c.mu.Unlock()
	c.log.Info("registered with resource manager", zap.String("rm", c.rpc.Current()),
		zap.Stringer("max_capability", resp.MaximumCapability), zap.String("queue", resp.Queue),
		zap.Int("previous_containers", len(resp.ContainersFromPreviousAttempts)))
	return resp, nil
}

// RegisterResponse is the answer of the last (re-)registration.
func (c *AMRMClient) RegisterResponse() rpc.RegisterAMResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.regResp
}

// classify wraps the errors that mean "exit now" in ErrShutdown.
func (c *AMRMClient) classify(op string, err error) error {
	if rpc.CodeOf(err) == rpc.CodeAttemptNotFound {
		return fmt.Errorf("%s: %w: %w", op, ErrShutdown, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Allocate sends the changed asks, the pending releases and the progress,
// and returns what the RM granted and reports. On AM_RESYNC or NOT_REGISTERED
// it re-registers, re-sends every outstanding ask and allocates again. On
// AM_SHUTDOWN it returns the allocation and an error wrapping ErrShutdown.
func (c *AMRMClient) Allocate(ctx context.Context) (*Allocation, error) {
	c.allocMu.Lock()
	defer c.allocMu.Unlock()
	out := &Allocation{}
	for round := 0; ; round++ {
		resp, err := c.allocateOnce(ctx, out)
		lost := rpc.CodeOf(err) == rpc.CodeNotRegistered
		switch {
		case err != nil && !lost:
			return out, err
		case resp != nil && resp.AMCommand == rpc.AMShutdown:
			c.log.Warn("resource manager ordered shutdown")
			return out, fmt.Errorf("allocate: %w", ErrShutdown)
		case !lost && resp.AMCommand != rpc.AMResync:
			return out, nil
		case round > 0 && lost:
			return out, fmt.Errorf("allocate after re-registering: %w", err)
		case round > 0: // resynced once already: the next call tries again
			return out, nil
		}
		if err := c.resync(ctx, out); err != nil {
			return out, err
		}
	}
}

func (c *AMRMClient) allocateOnce(ctx context.Context, out *Allocation) (*rpc.AllocateResponse, error) {
	c.mu.Lock()
	if !c.registered {
		c.mu.Unlock()
		return nil, fmt.Errorf("allocate: %w", ErrNotRegistered)
	}
	select { // this request carries every change so far
	case <-c.wake:
	default:
	}
	req := rpc.AllocateRequest{AttemptID: c.cfg.AttemptID, ResponseID: c.responseID, Progress: c.progress, Asks: c.asks.take()}
	for id := range c.releases {
		req.Releases = append(req.Releases, id)
	}
	slices.SortFunc(req.Releases, cmpContainer)
	clear(c.releases)
	wasUncertain := c.uncertain
	c.mu.Unlock()

	var resp rpc.AllocateResponse
	err := c.rpc.Call(ctx, rpc.PathAMAllocate, req, &resp)

	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil || wasUncertain || resp.AMCommand == rpc.AMResync {
		// Not sent, maybe ignored (answered from the RM's cache) or to an
		// RM that forgot us: send them again next time.
		c.asks.remark(req.Asks)
		for _, id := range req.Releases {
			c.releases[id] = true
		}
	}
	if err != nil {
		// An *rpc.Error means the RM answered and did not take the request;
		// anything else may have been taken with the answer lost.
		c.uncertain = c.uncertain || rpc.CodeOf(err) == ""
		if rpc.CodeOf(err) == rpc.CodeNotRegistered {
			return nil, err
		}
		return nil, c.classify("allocate", err)
	}
	c.uncertain = false
	if resp.AMCommand != rpc.AMResync {
		c.responseID = resp.ResponseID
	}
	c.absorb(&resp, out)
	return &resp, nil
}

// absorb folds a response into out: new containers are matched to their
// requests and remembered, duplicates dropped. Called with c.mu held.
func (c *AMRMClient) absorb(resp *rpc.AllocateResponse, out *Allocation) {
	var got Allocation
	for _, ct := range resp.Allocated {
		if c.known[ct.ID] {
			continue
		}
		c.known[ct.ID] = true
		if !c.asks.matched(ct.Priority, ct.Resource) {
			c.log.Info("container granted beyond the outstanding requests", zap.String("container_id", ct.ID.String()))
		}
		got.Allocated = append(got.Allocated, ct)
	}
	for _, st := range resp.Completed {
		delete(c.known, st.ContainerID)
		got.Completed = append(got.Completed, st)
	}
	got.UpdatedNodes = resp.UpdatedNodes
	got.Available, got.NumClusterNodes = resp.AvailableResources, resp.NumClusterNodes
	out.merge(&got)
}

// resync registers again with the saved registration and marks every
// outstanding ask for sending. Containers the RM reports that the AM was
// never given (their allocate answer was lost with the old RM) are delivered
// as allocated.
func (c *AMRMClient) resync(ctx context.Context, out *Allocation) error {
	c.mu.Lock()
	req := c.register
	c.mu.Unlock()
	c.log.Warn("resource manager asked for a resync: registering again", zap.String("rm", c.rpc.Current()))
	var resp rpc.RegisterAMResponse
	if err := c.rpc.Call(ctx, rpc.PathAMRegister, req, &resp); err != nil {
		return c.classify("re-register", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.regResp, c.responseID, c.uncertain = resp, 0, false
	c.asks.markAll()
	for _, ct := range resp.ContainersFromPreviousAttempts {
		if !c.known[ct.ID] {
			c.known[ct.ID] = true
			c.asks.matched(ct.Priority, ct.Resource)
			out.Allocated = append(out.Allocated, ct)
		}
	}
	out.Resynced = true
	return nil
}

// Finish unregisters the AM with the application's final status. It calls
// again while the RM answers "not yet unregistered", until ctx ends. An RM
// that lost the registration (failover) gets a registration first.
func (c *AMRMClient) Finish(ctx context.Context, status api.FinalStatus, diagnostics, trackingURL string) error {
	c.mu.Lock()
	registered := c.registered
	c.mu.Unlock()
	if !registered {
		return fmt.Errorf("finish: %w", ErrNotRegistered)
	}
	req := rpc.FinishAMRequest{AttemptID: c.cfg.AttemptID, FinalStatus: status, Diagnostics: diagnostics, TrackingURL: trackingURL}
	reregistered := false
	for {
		var resp rpc.FinishAMResponse
		err := c.rpc.Call(ctx, rpc.PathAMFinish, req, &resp)
		switch {
		case err == nil && resp.Unregistered:
			c.mu.Lock()
			c.registered = false
			c.mu.Unlock()
			c.log.Info("unregistered from resource manager", zap.String("final_status", string(status)))
			return nil
		case rpc.CodeOf(err) == rpc.CodeNotRegistered && !reregistered:
			reregistered = true
			if err := c.resync(ctx, &Allocation{}); err != nil {
				return fmt.Errorf("finish: %w", err)
			}
			continue
		case err != nil:
			return c.classify("finish", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("finish: waiting for the resource manager to unregister: %w", ctx.Err())
		case <-c.cfg.after(c.cfg.FinishPollInterval):
		}
	}
}

func cmpContainer(a, b api.ContainerID) int {
	return cmp.Or(cmp.Compare(a.Attempt.Attempt, b.Attempt.Attempt), cmp.Compare(a.Epoch, b.Epoch), cmp.Compare(a.Seq, b.Seq))
}
