package nodemanager

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/logagg"
	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
	"github.com/goyarn/goyarn/nodemanager/health"
	"github.com/goyarn/goyarn/nodemanager/localizer"
	"github.com/goyarn/goyarn/nodemanager/logaggregation"
	"github.com/goyarn/goyarn/nodemanager/nmmetrics"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
	"github.com/goyarn/goyarn/nodemanager/rpcserver"
	"github.com/goyarn/goyarn/nodemanager/statusupdater"
	"github.com/goyarn/goyarn/nodemanager/webapp"
	"github.com/goyarn/goyarn/nodemanager/webui"
)

// Version is the goyarn version, set at build time with -ldflags
// "-X github.com/goyarn/goyarn/nodemanager.Version=…".
var Version = "dev"

// Deps are what the NodeManager is given rather than builds.
type Deps struct {
	Runtime containers.Runtime // owned by the caller, who closes it after Stop
	Secret  security.Secret
	Version string // reported to the RM and in nodeInfo; "" means Version
	Clock   func() time.Time
	Logger  *zap.Logger
	// PathEnv is the PATH containers get when their launch context sets
	// none (the daemon passes its own).
	PathEnv string
	// RegisterRetryMin and RegisterRetryMax bound the back-off between
	// registration attempts (tests shorten them); zero means the updater's
	// defaults.
	RegisterRetryMin, RegisterRetryMax time.Duration
}

// NodeManager is one running NodeManager.
type NodeManager struct {
	cfg  Config
	deps Deps
	log  *zap.Logger

	nodeID             api.NodeID
	rpcAddr, webAddr   string // advertised host:port
	startedAt          time.Time
	rpcLn, webLn       net.Listener
	rpcSrv, webSrv     *http.Server
	client             *rpc.Client
	mgr                *containermanager.Manager
	agg                *logaggregation.Aggregator // nil: logs are not aggregated
	rmWebs             atomic.Pointer[[]string]   // the RMs' web addresses, from the registration
	updater            *statusupdater.Updater
	health             *healthCache
	cancel             context.CancelFunc
	wg                 sync.WaitGroup
	done               chan struct{} // closed when the RM orders a shutdown
	doneOnce, stopOnce sync.Once
	stopErr            error
}

// New checks cfg and returns a NodeManager ready to Start.
func New(cfg Config, deps Deps) (*NodeManager, error) {
	cfg = cfg.Resolved()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Runtime == nil {
		return nil, errors.New("nodemanager: no container runtime")
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Version == "" {
		deps.Version = Version
	}
	return &NodeManager{cfg: cfg, deps: deps, log: deps.Logger.Named("nm"), done: make(chan struct{})}, nil
}

// Start creates the directories, binds both listeners, recovers containers
// from the state dir, starts serving, and starts registering with the RM in
// the background (see Registered). On error everything started is undone.
func (n *NodeManager) Start(ctx context.Context) (err error) {
	n.startedAt = n.deps.Clock()
	defer func() {
		if err != nil {
			n.abort()
		}
	}()
	for _, d := range append(append([]string{n.cfg.StateDir}, n.cfg.LocalDirs...), n.cfg.LogDirs...) {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("nodemanager: %w", err)
		}
	}
	if n.rpcLn, err = net.Listen("tcp", n.cfg.RPCAddress); err != nil {
		return fmt.Errorf("nodemanager: rpc-address: %w", err)
	}
	if n.webLn, err = net.Listen("tcp", n.cfg.WebAddress); err != nil {
		return fmt.Errorf("nodemanager: web-address: %w", err)
	}
	rpcPort := n.rpcLn.Addr().(*net.TCPAddr).Port
	webPort := n.webLn.Addr().(*net.TCPAddr).Port
	n.nodeID = api.NodeID{Host: n.cfg.Hostname, Port: rpcPort}
	n.rpcAddr = n.nodeID.String()
	n.webAddr = net.JoinHostPort(n.cfg.Hostname, strconv.Itoa(webPort))
	n.log = n.log.With(zap.String("node_id", n.nodeID.String()))

	store, err := nmstate.Open(n.cfg.StateDir)
	if err != nil {
		return err
	}
	// file:// URLs reach the store only for aggregated logs: confined there.
	ocfg := n.cfg.Objects.Config()
	ocfg.FileRoots = []string{n.cfg.LogDirs[0]}
	if dir, ok := strings.CutPrefix(n.cfg.RemoteAppLogDir, "file://"); ok {
		ocfg.FileRoots = []string{dir}
	} else if strings.HasPrefix(n.cfg.RemoteAppLogDir, "/") {
		ocfg.FileRoots = []string{n.cfg.RemoteAppLogDir}
	}
	objects, err := objstore.New(ocfg)
	if err != nil {
		return err
	}
	loc, err := localizer.New(n.cfg.LocalizeRoots, objects)
	if err != nil {
		return err
	}
	metrics, err := nmmetrics.New(nmmetrics.Deps{Total: api.Res(n.cfg.MemoryMB, n.cfg.VCores)})
	if err != nil {
		return err
	}
	var aggregator containermanager.LogAggregator
	if n.cfg.RemoteAppLogDir != "" {
		if n.agg, err = logaggregation.New(logaggregation.Config{
			RemoteDir: n.cfg.RemoteAppLogDir, NodeID: n.nodeID, TempDir: filepath.Join(n.cfg.LocalDirs[0], "nmprivate", "log-aggregation"),
			MaxBytesPerContainer: n.cfg.LogAggregationMaxBytes, ReportRetain: reportRetain(n.cfg),
		}, logaggregation.Deps{Objects: objects, State: store, Clock: n.deps.Clock, Logger: n.deps.Logger}); err != nil {
			return err
		}
		if err := n.agg.Recover(); err != nil {
			return err
		}
		aggregator = n.agg
	}
	n.mgr, err = containermanager.New(containermanager.Config{
		NodeID: n.nodeID, HTTPPort: webPort, LocalDirs: n.cfg.LocalDirs, LogDirs: n.cfg.LogDirs,
		StagingDir: n.cfg.StagingDir, PathEnv: n.deps.PathEnv, StopGrace: n.cfg.StopGrace, LogRetain: n.cfg.LogRetain,
		AggregatedLogRetain: n.cfg.AggregatedLogRetain,
	}, containermanager.Deps{Runtime: n.deps.Runtime, Secret: n.deps.Secret, Localizer: loc, Store: store,
		Clock: n.deps.Clock, Logger: n.deps.Logger, Observer: metrics, Aggregator: aggregator})
	if err != nil {
		return err
	}
	metrics.SetSource(n.mgr)
	if err := n.mgr.Recover(ctx); err != nil {
		return err
	}
	checker := &health.Checker{Dirs: append(append([]string(nil), n.cfg.LocalDirs...), n.cfg.LogDirs...), MinFreeMB: n.cfg.MinFreeDiskMB}
	n.health = &healthCache{check: checker.Check, now: n.deps.Clock}

	n.client, err = rpc.NewClient(n.cfg.RMAddresses, rpc.Options{
		Bearer: n.deps.Secret.NodeKey(), Timeout: 10 * time.Second,
		OnFailover: func(from, to string, cause error) {
			n.log.Info("moving to another ResourceManager", zap.String("from", from), zap.String("to", to), zap.Error(cause))
		},
	})
	if err != nil {
		return err
	}
	n.updater = statusupdater.New(statusupdater.Config{
		NodeID: n.nodeID, HTTPAddress: n.webAddr, Total: api.Res(n.cfg.MemoryMB, n.cfg.VCores),
		Version: n.deps.Version, StartedAt: n.startedAt,
		RetryMin: n.deps.RegisterRetryMin, RetryMax: n.deps.RegisterRetryMax,
	}, statusupdater.Deps{Client: n.client, Containers: n.mgr, Health: n.health.Check, Kick: n.mgr.Changed(),
		Clock: n.deps.Clock, Logger: n.deps.Logger, OnHeartbeat: metrics.HeartbeatDone,
		LogReports: n.logReports(), OnRegistered: func(r rpc.RegisterNodeResponse) {
			webs := append([]string(nil), r.WebAddresses...)
			n.rmWebs.Store(&webs)
		}})

	var aggURL func(api.ContainerID, string, string) string
	if n.agg != nil {
		aggURL = n.aggregatedLogsURL
	}
	ui, err := webui.New(webui.Deps{Containers: n.mgr, Node: n.nodeInfo, RM: n.rmStatus, HTTPAddress: n.webAddr,
		Metrics: metrics.Handler(), Logger: n.deps.Logger, AggregatedLogsURL: aggURL})
	if err != nil {
		return err
	}
	n.rpcSrv = &http.Server{Handler: rpcserver.Handler(n.mgr, n.deps.Logger), ReadHeaderTimeout: 10 * time.Second}
	n.webSrv = &http.Server{Handler: ui.Wrap(webapp.Handler(webapp.Deps{Containers: n.mgr, Node: n.nodeInfo,
		NodeID: n.nodeID, HTTPAddress: n.webAddr, Logger: n.deps.Logger, AggregatedLogsURL: aggURL})), ReadHeaderTimeout: 10 * time.Second}

	runCtx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.goRun(func() { n.serve(n.rpcSrv, n.rpcLn, "container RPC") })
	n.goRun(func() { n.serve(n.webSrv, n.webLn, "web") })
	n.goRun(func() { n.mgr.Run(runCtx, purgeInterval(n.retention())) })
	if n.agg != nil {
		n.goRun(func() { n.expireReports(runCtx, purgeInterval(n.retention())) })
	}
	n.goRun(func() {
		if err := n.updater.Run(runCtx); errors.Is(err, statusupdater.ErrShutdown) {
			n.doneOnce.Do(func() { close(n.done) })
		}
	})
	n.log.Info("NodeManager started", zap.String("rpc_address", n.rpcAddr), zap.String("web_address", n.webAddr),
		zap.Strings("rm_addresses", n.cfg.RMAddresses), zap.String("runtime", n.deps.Runtime.Name()),
		zap.Stringer("resource", api.Res(n.cfg.MemoryMB, n.cfg.VCores)))
	return nil
}

func (n *NodeManager) goRun(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

func (n *NodeManager) serve(srv *http.Server, ln net.Listener, what string) {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		n.log.Error("server failed", zap.String("server", what), zap.Error(err))
		n.doneOnce.Do(func() { close(n.done) })
	}
}

// logReports is what the status updater sends of log aggregation: nothing
// when it is off.
func (n *NodeManager) logReports() statusupdater.LogReports {
	if n.agg == nil {
		return nil
	}
	return n.agg
}

// retention is the shortest time local logs are kept.
func (n *NodeManager) retention() time.Duration {
	if n.agg == nil {
		return n.cfg.LogRetain
	}
	return min(n.cfg.LogRetain, n.cfg.AggregatedLogRetain)
}

// expireReports forgets old log aggregation statuses every interval.
func (n *NodeManager) expireReports(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n.agg.Expire(n.deps.Clock())
		}
	}
}

// RMWebAddresses are the RMs' web addresses as the last registration named
// them (nil before the first).
func (n *NodeManager) RMWebAddresses() []string {
	if p := n.rmWebs.Load(); p != nil {
		return *p
	}
	return nil
}

// aggregatedLogsURL is the RM page of a container's aggregated logs, or ""
// when no RM web address is known yet.
func (n *NodeManager) aggregatedLogsURL(id api.ContainerID, user, file string) string {
	webs := n.RMWebAddresses()
	if len(webs) == 0 || user == "" {
		return ""
	}
	return "http://" + webs[0] + logagg.PagePath(id, user, file)
}

// abort undoes a failed Start.
func (n *NodeManager) abort() {
	for _, ln := range []net.Listener{n.rpcLn, n.webLn} {
		if ln != nil {
			ln.Close()
		}
	}
	if n.mgr != nil {
		n.mgr.Shutdown(context.Background(), false)
	}
	if n.agg != nil {
		n.agg.Close()
	}
}

func purgeInterval(retain time.Duration) time.Duration {
	return min(max(retain/10, time.Second), time.Minute)
}

// rmStatus is the node's link to the RM, for the web UI.
func (n *NodeManager) rmStatus() webui.RMStatus {
	registered, last := n.updater.State()
	return webui.RMStatus{Address: n.client.Current(), Registered: registered, LastHeartbeat: last}
}

// NodeID is the node's id: hostname and the RPC port actually bound.
func (n *NodeManager) NodeID() api.NodeID { return n.nodeID }

// RPCAddress is the advertised host:port of the container RPC.
func (n *NodeManager) RPCAddress() string { return n.rpcAddr }

// WebAddress is the advertised host:port of the NM REST API.
func (n *NodeManager) WebAddress() string { return n.webAddr }

// Registered is closed once the node first registered with an RM.
func (n *NodeManager) Registered() <-chan struct{} { return n.updater.Registered() }

// Done is closed when the NodeManager should stop on its own: the RM
// ordered a shutdown or a server failed. The caller then calls Stop.
func (n *NodeManager) Done() <-chan struct{} { return n.done }

// Containers is the container manager (for tests and embedding).
func (n *NodeManager) Containers() *containermanager.Manager { return n.mgr }

// Stop stops the NodeManager gracefully: no new containers; heartbeats end;
// unless Supervised, running containers are stopped (each gets stop-grace)
// and the node unregisters from the RM. ctx bounds the whole stop.
func (n *NodeManager) Stop(ctx context.Context) error {
	n.stopOnce.Do(func() { n.stopErr = n.stop(ctx) })
	return n.stopErr
}

func (n *NodeManager) stop(ctx context.Context) error {
	if n.cancel == nil { // never started
		return nil
	}
	var errs []error
	errs = append(errs, n.rpcSrv.Shutdown(ctx))
	n.cancel() // heartbeats and the purge loop
	n.mgr.Shutdown(ctx, !n.cfg.Supervised)
	if n.agg != nil {
		n.agg.Close() // uploads in flight start over after a restart
	}
	if !n.cfg.Supervised {
		uctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := n.updater.Unregister(uctx); err != nil {
			n.log.Warn("unregistering from the ResourceManager failed", zap.Error(err))
		}
		cancel()
	}
	errs = append(errs, n.webSrv.Shutdown(ctx))
	n.wg.Wait()
	n.client.Close()
	n.log.Info("NodeManager stopped", zap.Bool("supervised", n.cfg.Supervised))
	return errors.Join(errs...)
}

// reportRetain is how long the aggregator keeps an application's final
// status (and re-reports it to a new active RM): longer than the local logs
// may wait for it, so the log purge never finds a status already forgotten.
func reportRetain(c Config) time.Duration {
	return max(c.LogRetain, c.AggregatedLogRetain) + 10*time.Minute
}
