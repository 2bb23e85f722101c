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
	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/amlauncher"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/ha"
	"github.com/goyarn/goyarn/resourcemanager/rmmetrics"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/stagingclean"
	"github.com/goyarn/goyarn/resourcemanager/store"
	"github.com/goyarn/goyarn/resourcemanager/webapp"
	"github.com/goyarn/goyarn/resourcemanager/webui"
)

// Version is the goyarn version, set at build time with -ldflags.
var Version = "dev"

// tickInterval is how often the core's clock-driven work runs.
const tickInterval = 250 * time.Millisecond

// Server is a running ResourceManager. Its listeners, store and elector
// live as long as it does; the core lives for one term of leadership: a
// fresh one is built from the store each time this RM becomes active, and
// dropped the moment it stops being active.
type Server struct {
	cfg       Config
	log       *zap.Logger
	secret    security.Secret
	startedOn time.Time

	webLn, rpcLn net.Listener
	web, rpc     *http.Server
	webAddr      string // advertised host:port
	rpcAddr      string
	store        store.Store
	elector      ha.Elector // nil without HA
	launcher     *amlauncher.Launcher
	objects      *objstore.Client // staging clean-up, aggregated logs
	cleaner      *stagingclean.Cleaner
	metrics      *rmmetrics.Metrics
	stopTick     chan struct{}
	wg           sync.WaitGroup
	stopOnce     sync.Once

	mu        sync.Mutex
	term      *term // nil while not active
	terms     int
	lastTS    int64
	failovers int
}

// term is one period of leadership.
type term struct {
	id        int
	core      *core.Core
	epoch     int64
	clusterTS int64
}

// Start validates cfg, opens the listeners and the state store, and starts
// serving: at once as the active RM without HA, or as a candidate in the
// election with HA. The cluster secret file is created if missing.
func Start(cfg Config, log *zap.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("resourcemanager config: %w", err)
	}
	if _, err := scheduler.New(cfg.Scheduler); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("rm")
	if cfg.HAID != "" {
		log = log.With(zap.String("ha_id", cfg.HAID))
	}
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
	s := &Server{cfg: cfg, log: log, secret: secret, startedOn: time.Now(), stopTick: make(chan struct{})}
	if s.metrics, err = rmmetrics.New(rmmetrics.Deps{Active: rmmetrics.ActiveCore(s.activeCore),
		HAState: func() api.HAState { return s.info().HAState }}); err != nil {
		return nil, err
	}
	if s.objects, err = objstore.New(cfg.Objects.Config()); err != nil {
		return nil, err
	}
	ui, err := webui.New(webui.Deps{Active: webui.ActiveCore(s.activeCore), HA: s.haStatus, About: s.about,
		Metrics: s.metrics.Handler(), Logger: log, Logs: &webui.AggregatedLogs{Store: s.objects, RemoteDir: cfg.RemoteAppLogDir}})
	if err != nil {
		return nil, err
	}
	if s.webLn, err = net.Listen("tcp", cfg.WebAddress); err != nil {
		return nil, fmt.Errorf("web address: %w", err)
	}
	if s.rpcLn, err = net.Listen("tcp", cfg.RPCAddress); err != nil {
		s.webLn.Close()
		return nil, fmt.Errorf("rpc address: %w", err)
	}
	s.webAddr = advertise(cfg.Hostname, cfg.WebAddress, s.webLn)
	s.rpcAddr = advertise(cfg.Hostname, cfg.RPCAddress, s.rpcLn)
	if s.store, err = openStore(cfg, secret, log); err != nil {
		s.closeListeners()
		return nil, err
	}
	s.cleaner = stagingclean.New(stagingclean.Config{Staging: cfg.StagingDir}, s.objects, log)
	s.launcher = amlauncher.New(log, 4, 30*time.Second)
	s.launcher.SetReport(func(a api.AttemptID, c api.ContainerID, err error) {
		if cr := s.activeCore(); cr != nil {
			cr.AMLaunched(a, c, err)
		}
	})
	app := webapp.New(webapp.Deps{
		Active: s.activeCore, Secret: secret, Tokens: tokens, AdminUsers: cfg.admins(), Logger: log,
		Info: s.info, WebAddress: s.webAddr, MaxBodyBytes: cfg.MaxBodyBytes,
	})
	s.web = &http.Server{Handler: withRMList(ui.Wrap(app.WebHandler()), orSelf(cfg.RMWebAddresses, s.webAddr)),
		ReadHeaderTimeout: 10 * time.Second}
	s.rpc = &http.Server{Handler: s.metrics.InstrumentRPC(app.RPCHandler()), ReadHeaderTimeout: 10 * time.Second}

	if cfg.HAID == "" {
		if err := s.becomeActive(); err != nil {
			s.launcher.Stop()
			s.cleaner.Close()
			s.store.Close()
			s.closeListeners()
			return nil, err
		}
	} else if s.elector, err = newElector(cfg, secret, s.webAddr, s.rpcAddr, log); err != nil {
		s.launcher.Stop()
		s.cleaner.Close()
		s.store.Close()
		s.closeListeners()
		return nil, err
	}
	s.serve(s.web, s.webLn)
	s.serve(s.rpc, s.rpcLn)
	s.wg.Add(1)
	go s.tick()
	if s.elector != nil {
		s.wg.Add(1)
		go s.campaign()
	}
	log.Info("resource manager started", zap.String("web_address", s.webAddr), zap.String("rpc_address", s.rpcAddr),
		zap.String("cluster_id", cfg.ClusterID), zap.String("store", s.store.Name()), zap.Bool("ha", s.elector != nil))
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
			if cr := s.activeCore(); cr != nil {
				cr.Tick(now)
			}
		}
	}
}

// activeCore is the core while this RM is active, nil otherwise.
func (s *Server) activeCore() *core.Core {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.term == nil {
		return nil
	}
	return s.term.core
}

// Active reports whether this RM is the active one.
func (s *Server) Active() bool { return s.activeCore() != nil }

func (s *Server) info() webapp.Info {
	s.mu.Lock()
	t := s.term
	s.mu.Unlock()
	i := webapp.Info{ClusterTimestamp: s.startedOn.UnixMilli(), StartedOn: s.startedOn, HAState: api.HAStandby,
		HAID: s.cfg.HAID, StoreName: s.store.Name(), Version: Version}
	if t != nil {
		i.HAState, i.ClusterTimestamp, i.ActiveWebAddress, i.ActiveHAID = api.HAActive, t.clusterTS, s.webAddr, s.cfg.HAID
	}
	if s.elector != nil {
		i.HAZKState = string(s.elector.ConnState())
		if t == nil {
			if leader, ok := s.elector.Leader(); ok && leader.HAID != s.cfg.HAID {
				i.ActiveWebAddress, i.ActiveHAID = leader.WebAddress, leader.HAID
			}
		}
	} else if t == nil {
		i.HAState = api.HAInitializing
	}
	return i
}

// haStatus is what the web UI shows of HA: this RM, the ZooKeeper
// connection, and the other RMs with the leader marked ACTIVE.
func (s *Server) haStatus() webui.HAStatus {
	i := s.info()
	h := webui.HAStatus{Enabled: s.elector != nil, ID: s.cfg.HAID, State: i.HAState, ZKState: i.HAZKState}
	if s.elector == nil {
		return h
	}
	leader, known := s.elector.Leader()
	for _, w := range s.cfg.RMWebAddresses {
		if w == s.webAddr {
			continue
		}
		p := webui.RMRef{WebAddress: w}
		if known && leader.WebAddress == w {
			p.ID, p.State = leader.HAID, api.HAActive
		}
		h.Peers = append(h.Peers, p)
	}
	return h
}

// about is what the web UI's overview says about this RM.
func (s *Server) about() webui.About {
	i := s.info()
	return webui.About{ClusterID: s.cfg.ClusterID, ClusterTimestamp: i.ClusterTimestamp, StartedOn: s.startedOn,
		Version: Version, StoreName: i.StoreName, WebAddress: s.webAddr}
}

// WebAddress is the advertised host:port of the REST API.
func (s *Server) WebAddress() string { return s.webAddr }

// RPCAddress is the advertised host:port of the internal RPC.
func (s *Server) RPCAddress() string { return s.rpcAddr }

// Core exposes the active term's core (for in-process tests); nil while
// standby.
func (s *Server) Core() *core.Core { return s.activeCore() }

// Stop shuts the RM down. An active RM gives up leadership first, so the
// next one takes over at once; then listeners close, in-flight requests
// finish (until ctx ends), and the launcher and the store drain.
func (s *Server) Stop(ctx context.Context) error {
	var err error
	s.stopOnce.Do(func() {
		if s.elector != nil {
			err = s.elector.Close() // deposes this RM at once; the others see its node vanish
		}
		s.becomeStandby(0, "shutting down")
		close(s.stopTick)
		err = errors.Join(err, s.web.Shutdown(ctx), s.rpc.Shutdown(ctx))
		s.wg.Wait()
		s.launcher.Stop()
		s.cleaner.Close()
		err = errors.Join(err, s.store.Close())
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
