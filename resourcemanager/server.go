package resourcemanager

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/amlauncher"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store/mem"
	"github.com/goyarn/goyarn/resourcemanager/webapp"
)

// Version is the goyarn version, set at build time with -ldflags.
var Version = "dev"

// tickInterval is how often the core's clock-driven work runs.
const tickInterval = 250 * time.Millisecond

// Server is a running ResourceManager.
type Server struct {
	cfg       Config
	log       *zap.Logger
	startedOn time.Time

	webLn, rpcLn net.Listener
	web, rpc     *http.Server
	webAddr      string // advertised host:port
	rpcAddr      string
	core         *core.Core
	launcher     *amlauncher.Launcher
	stopTick     chan struct{}
	wg           sync.WaitGroup
	stopOnce     sync.Once
	clusterTS    int64
	haState      api.HAState
	haMu         sync.Mutex
}

// Start validates cfg, opens the listeners and starts serving. The cluster
// secret file is created if it does not exist.
func Start(cfg Config, log *zap.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("resourcemanager config: %w", err)
	}
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("rm")
	secret, err := security.LoadOrCreateSecret(cfg.ClusterSecretFile)
	if err != nil {
		return nil, err
	}
	var tokens webapp.Tokens
	if cfg.AuthTokenFile != "" {
		if tokens, err = webapp.LoadTokens(cfg.AuthTokenFile); err != nil {
			return nil, err
		}
	}
	sched, err := scheduler.New(cfg.Scheduler)
	if err != nil {
		return nil, err
	}

	s := &Server{cfg: cfg, log: log, startedOn: time.Now(), stopTick: make(chan struct{}), haState: api.HAActive}
	s.clusterTS = s.startedOn.UnixMilli()
	if s.webLn, err = net.Listen("tcp", cfg.WebAddress); err != nil {
		return nil, fmt.Errorf("web address: %w", err)
	}
	if s.rpcLn, err = net.Listen("tcp", cfg.RPCAddress); err != nil {
		s.webLn.Close()
		return nil, fmt.Errorf("rpc address: %w", err)
	}
	s.webAddr = advertise(cfg.Hostname, cfg.WebAddress, s.webLn)
	s.rpcAddr = advertise(cfg.Hostname, cfg.RPCAddress, s.rpcLn)

	s.launcher = amlauncher.New(log, 4, 30*time.Second)
	ccfg := core.Config{
		ClusterTimestamp: s.clusterTS, HeartbeatInterval: cfg.HeartbeatInterval, NodeExpiry: cfg.NMExpiry,
		AMExpiry: cfg.AMExpiry, AllocationExpiry: cfg.AllocationExpiry, MaxAttempts: int32(cfg.AMMaxAttempts),
		MaxCompletedApps: cfg.MaxCompletedApps, RMRPCAddresses: []string{s.rpcAddr}, RMWebAddresses: []string{s.webAddr},
		StagingDir: cfg.StagingDir,
	}
	s.core, err = core.New(ccfg, core.Deps{Scheduler: sched, Store: mem.New(), Launcher: s.launcher, Secret: secret, Logger: log})
	if err != nil {
		s.closeListeners()
		s.launcher.Stop()
		return nil, err
	}
	s.launcher.SetReport(s.core.AMLaunched)

	app := webapp.New(webapp.Deps{
		Core: s.core, Secret: secret, Tokens: tokens, AdminUsers: cfg.admins(), Logger: log,
		Info: s.info, WebAddress: s.webAddr, MaxBodyBytes: cfg.MaxBodyBytes,
	})
	s.web = &http.Server{Handler: app.WebHandler(), ReadHeaderTimeout: 10 * time.Second}
	s.rpc = &http.Server{Handler: app.RPCHandler(), ReadHeaderTimeout: 10 * time.Second}
	s.serve(s.web, s.webLn)
	s.serve(s.rpc, s.rpcLn)
	s.wg.Add(1)
	go s.tick()
	log.Info("resource manager started", zap.String("web_address", s.webAddr), zap.String("rpc_address", s.rpcAddr),
		zap.String("cluster_id", cfg.ClusterID), zap.Int64("cluster_timestamp", s.clusterTS))
	return s, nil
}

func (s *Server) serve(srv *http.Server, ln net.Listener) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("server stopped", zap.String("address", ln.Addr().String()), zap.Error(err))
		}
	}()
}

func (s *Server) tick() {
	defer s.wg.Done()
	t := time.NewTicker(tickInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stopTick:
			return
		case now := <-t.C:
			s.core.Tick(now)
		}
	}
}

func (s *Server) info() webapp.Info {
	s.haMu.Lock()
	defer s.haMu.Unlock()
	return webapp.Info{ClusterTimestamp: s.clusterTS, StartedOn: s.startedOn, HAState: s.haState, Version: Version}
}

// WebAddress is the advertised host:port of the REST API.
func (s *Server) WebAddress() string { return s.webAddr }

// RPCAddress is the advertised host:port of the internal RPC.
func (s *Server) RPCAddress() string { return s.rpcAddr }

// Core exposes the state owner (for in-process tests).
func (s *Server) Core() *core.Core { return s.core }

// Stop shuts the RM down: listeners close, in-flight requests finish (until
// ctx ends), the launcher and the store journal drain.
func (s *Server) Stop(ctx context.Context) error {
	var err error
	s.stopOnce.Do(func() {
		close(s.stopTick)
		err = errors.Join(s.web.Shutdown(ctx), s.rpc.Shutdown(ctx))
		s.wg.Wait()
		s.launcher.Stop()
		s.core.Close()
		s.log.Info("resource manager stopped")
	})
	return err
}

func (s *Server) closeListeners() {
	s.webLn.Close()
	s.rpcLn.Close()
}

// advertise turns a bind address and its listener into the address others
// should use: the configured host name, else the bind host, else (bound to
// all interfaces) the machine's name.
func advertise(hostname, bind string, ln net.Listener) string {
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	if hostname != "" {
		return net.JoinHostPort(hostname, port)
	}
	host, _, _ := net.SplitHostPort(bind)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil {
			host = h
		}
	}
	return net.JoinHostPort(host, port)
}
