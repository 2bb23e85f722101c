package statusupdater

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
)

// ErrShutdown is returned by Run when the RM tells the node to shut down.
var ErrShutdown = errors.New("the ResourceManager told the node to shut down")

// Containers is what the updater needs from the container manager.
type Containers interface {
	RegisterStatuses() []rpc.ContainerStatus
	HeartbeatStatuses() []rpc.ContainerStatus
	AckCompleted(ids []api.ContainerID)
	StopByRM(ids []api.ContainerID)
	CleanupApps(ids []api.ApplicationID)
}

// LogReports is what the updater needs from the log aggregator
// (*logaggregation.Aggregator): the statuses to send (all of them on a
// registration, the changed ones on a heartbeat) and a func to call once
// the RM answered.
type LogReports interface {
	Reports(all bool) ([]rpc.LogAggregationReport, func())
}

// Config describes the node to the RM.
type Config struct {
	NodeID      api.NodeID
	HTTPAddress string // host:port of the NM REST API
	Total       api.Resource
	Version     string
	StartedAt   time.Time
	// DefaultInterval is the heartbeat interval when the RM names none
	// (default 1 s).
	DefaultInterval time.Duration
	// RetryMin and RetryMax bound the back-off between registration
	// attempts (defaults 100 ms and 5 s).
	RetryMin, RetryMax time.Duration
}

// Deps are the updater's collaborators.
type Deps struct {
	Client     *rpc.Client
	Containers Containers
	Health     func(now time.Time) rpc.NodeHealth
	// Kick, when set, triggers a heartbeat before the interval is up (the
	// container manager signals completed containers on it).
	Kick   <-chan struct{}
	Clock  func() time.Time
	Logger *zap.Logger
	// OnHeartbeat, when set, is told each heartbeat's round trip and error.
	OnHeartbeat func(rtt time.Duration, err error)
	// LogReports, when set, are sent with registrations and heartbeats.
	LogReports LogReports
	// OnRegistered, when set, is given each registration's answer.
	OnRegistered func(rpc.RegisterNodeResponse)
}

// Updater registers the node and heartbeats.
type Updater struct {
	cfg  Config
	deps Deps
	log  *zap.Logger

	registeredOnce sync.Once
	registered     chan struct{}

	mu            sync.Mutex
	lastHeartbeat time.Time
	isRegistered  bool
}

// New returns an updater; Run starts it.
func New(cfg Config, deps Deps) *Updater {
	if cfg.DefaultInterval <= 0 {
		cfg.DefaultInterval = time.Second
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = 100 * time.Millisecond
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 5 * time.Second
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Health == nil {
		deps.Health = func(now time.Time) rpc.NodeHealth { return rpc.NodeHealth{Healthy: true, LastReport: now.UnixMilli()} }
	}
	return &Updater{cfg: cfg, deps: deps, log: deps.Logger.Named("nm.statusupdater").With(zap.String("node_id", cfg.NodeID.String())),
		registered: make(chan struct{})}
}

// Registered is closed once the node first registered.
func (u *Updater) Registered() <-chan struct{} { return u.registered }

// State reports whether the node is registered now and when its last
// heartbeat was answered.
func (u *Updater) State() (registered bool, lastHeartbeat time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.isRegistered, u.lastHeartbeat
}

func (u *Updater) setRegistered(ok bool) {
	u.mu.Lock()
	u.isRegistered = ok
	u.mu.Unlock()
}

// Run registers and heartbeats until ctx is done (returning ctx.Err()) or
// the RM orders a shutdown (returning ErrShutdown).
func (u *Updater) Run(ctx context.Context) error {
	for {
		interval, err := u.register(ctx)
		if err != nil {
			return err
		}
		if err := u.heartbeatLoop(ctx, interval); !errors.Is(err, errResync) {
			return err
		}
		u.setRegistered(false)
	}
}

// errResync ends a heartbeat loop to register again.
var errResync = errors.New("resync")

func (u *Updater) register(ctx context.Context) (time.Duration, error) {
	backoff := u.cfg.RetryMin
	for {
		now := u.deps.Clock()
		reports, ack := u.reports(true)
		req := rpc.RegisterNodeRequest{
			NodeID: u.cfg.NodeID, HTTPAddress: u.cfg.HTTPAddress, Total: u.cfg.Total, Version: u.cfg.Version,
			StartedAt: u.cfg.StartedAt.UnixMilli(), Containers: u.deps.Containers.RegisterStatuses(),
			Health: u.deps.Health(now), LogAggregationReports: reports,
		}
		var resp rpc.RegisterNodeResponse
		err := u.deps.Client.Call(ctx, rpc.PathNodeRegister, req, &resp)
		if err == nil && resp.Action != rpc.ActionResync && resp.Action != rpc.ActionShutdown {
			ack()
			if u.deps.OnRegistered != nil {
				u.deps.OnRegistered(resp)
			}
		}
		switch {
		case ctx.Err() != nil:
			return 0, ctx.Err()
		case err == nil && resp.Action == rpc.ActionShutdown:
			u.log.Warn("ResourceManager refused the node", zap.String("diagnostics", resp.Diagnostics))
			return 0, ErrShutdown
		case err == nil && resp.Action != rpc.ActionResync:
			u.setRegistered(true)
			u.registeredOnce.Do(func() { close(u.registered) })
			u.log.Info("registered with the ResourceManager", zap.String("rm", u.deps.Client.Current()),
				zap.Int("containers", len(req.Containers)), zap.Int64("rm_identifier", resp.RMIdentifier))
			return u.interval(resp.HeartbeatIntervalMs), nil
		case err != nil:
			u.log.Warn("registration failed; retrying", zap.Duration("backoff", backoff), zap.Error(err))
		default:
			u.log.Info("ResourceManager asked to register again", zap.String("diagnostics", resp.Diagnostics))
		}
		if !sleep(ctx, backoff) {
			return 0, ctx.Err()
		}
		backoff = min(backoff*2, u.cfg.RetryMax)
	}
}

func (u *Updater) interval(ms int64) time.Duration {
	if ms <= 0 {
		return u.cfg.DefaultInterval
	}
	return time.Duration(ms) * time.Millisecond
}

func (u *Updater) heartbeatLoop(ctx context.Context, interval time.Duration) error {
	var responseID int64
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-u.deps.Kick:
			t.Stop() // Go ≥ 1.23 timers: no stale tick to drain
		}
		now := u.deps.Clock()
		reports, ack := u.reports(false)
		req := rpc.NodeHeartbeatRequest{NodeID: u.cfg.NodeID, ResponseID: responseID,
			Containers: u.deps.Containers.HeartbeatStatuses(), Health: u.deps.Health(now), LogAggregationReports: reports}
		var resp rpc.NodeHeartbeatResponse
		sent := time.Now() // wall time, for the metrics only
		err := u.deps.Client.Call(ctx, rpc.PathNodeHeartbeat, req, &resp)
		if u.deps.OnHeartbeat != nil && ctx.Err() == nil {
			u.deps.OnHeartbeat(time.Since(sent), err)
		}
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case rpc.CodeOf(err) == rpc.CodeNotRegistered:
			u.log.Info("ResourceManager does not know the node; registering again", zap.Error(err))
			return errResync
		case err != nil:
			u.log.Warn("heartbeat failed", zap.Error(err))
			t.Reset(interval)
			continue
		}
		u.mu.Lock()
		u.lastHeartbeat = now
		u.mu.Unlock()
		ack()
		responseID = resp.ResponseID
		u.deps.Containers.AckCompleted(resp.ContainersCompletedAck)
		if len(resp.ContainersToCleanup) > 0 {
			u.deps.Containers.StopByRM(resp.ContainersToCleanup)
		}
		if len(resp.AppsToCleanup) > 0 {
			u.deps.Containers.CleanupApps(resp.AppsToCleanup)
		}
		switch resp.Action {
		case rpc.ActionResync:
			u.log.Info("ResourceManager asked to resync", zap.String("diagnostics", resp.Diagnostics))
			return errResync
		case rpc.ActionShutdown:
			u.log.Warn("ResourceManager told the node to shut down", zap.String("diagnostics", resp.Diagnostics))
			return ErrShutdown
		}
		if resp.HeartbeatIntervalMs > 0 {
			interval = u.interval(resp.HeartbeatIntervalMs)
		}
		t.Reset(interval)
	}
}

func (u *Updater) reports(all bool) ([]rpc.LogAggregationReport, func()) {
	if u.deps.LogReports == nil {
		return nil, func() {}
	}
	return u.deps.LogReports.Reports(all)
}

// Unregister tells the RM the node is leaving (it goes SHUTDOWN there).
func (u *Updater) Unregister(ctx context.Context) error {
	u.setRegistered(false)
	return u.deps.Client.Call(ctx, rpc.PathNodeUnregister, rpc.UnregisterNodeRequest{NodeID: u.cfg.NodeID}, nil)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
