package containermanager

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/nodemanager/localizer"
	"github.com/goyarn/goyarn/nodemanager/logaggregation"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

// Errors the manager wraps.
var (
	// ErrUnknownContainer: no container with that id on this node.
	ErrUnknownContainer = errors.New("unknown container")
	// ErrUnknownApp: no application with that id on this node.
	ErrUnknownApp = errors.New("unknown application")
	// ErrReplay: a container id that was already started here.
	ErrReplay = errors.New("container already started")
	// ErrShuttingDown: the NodeManager is stopping and starts nothing.
	ErrShuttingDown = errors.New("NodeManager is shutting down")
)

// Config is what the manager needs to know about its node.
type Config struct {
	NodeID     api.NodeID // host and RPC port: tokens must name it
	HTTPPort   int        // NM_HTTP_PORT
	LocalDirs  []string   // at least one
	LogDirs    []string   // at least one
	StagingDir string     // GOYARN_STAGING_DIR
	PathEnv    string     // PATH for containers that set none
	StopGrace  time.Duration
	// LogRetain is how long a finished application's local logs are kept
	// when they are not aggregated (or their aggregation FAILED).
	LogRetain time.Duration
	// AggregatedLogRetain is how long local logs are kept once their
	// aggregation SUCCEEDED (with Deps.Aggregator set).
	AggregatedLogRetain time.Duration
}

// LogAggregator uploads finished applications' logs
// (*logaggregation.Aggregator).
type LogAggregator interface {
	Aggregate(logaggregation.App)
	Status(api.ApplicationID) (api.LogAggregationStatus, time.Time, bool)
}

// Observer is told what the NM's metrics count (nodemanager/nmmetrics
// implements it). Calls must be cheap; they are made without the lock.
type Observer interface {
	ContainerLaunched()
	ContainerLaunchFailed(state api.NMContainerState)
	ContainerCompleted(exitStatus int)
}

type nopObserver struct{}

func (nopObserver) ContainerLaunched()                         {}
func (nopObserver) ContainerLaunchFailed(api.NMContainerState) {}
func (nopObserver) ContainerCompleted(int)                     {}

// Deps are the manager's collaborators.
type Deps struct {
	Runtime   containers.Runtime
	Secret    security.Secret
	Localizer *localizer.Localizer
	Store     Store // nil: nothing is persisted
	Clock     func() time.Time
	Logger    *zap.Logger
	Observer  Observer // nil: nobody
	// Aggregator, when set, is handed every finished application once its
	// containers have exited; local logs then stay until it succeeded.
	Aggregator LogAggregator
}

// Store is where the manager keeps its records for a restart
// (*nmstate.Store).
type Store interface {
	PutContainer(nmstate.Container) error
	DeleteContainer(api.ContainerID) error
	PutApp(nmstate.App) error
	DeleteApp(api.ApplicationID) error
	Load() ([]nmstate.Container, []nmstate.App, error)
}

type container struct {
	// wmu orders the writes of rec to the state store (see persist).
	wmu      sync.Mutex
	rec      nmstate.Container
	done     chan struct{} // closed once rec.Complete
	launched bool          // the runtime has it: Wait and Stop apply
}

type app struct {
	id         api.ApplicationID
	user       string
	containers []api.ContainerID // in start order
	finished   bool              // the RM said the application finished
	finishedAt time.Time
}

// Manager owns the node's containers. Its methods are safe for concurrent use.
type Manager struct {
	cfg   Config
	rt    containers.Runtime
	sec   security.Secret
	loc   *localizer.Localizer
	store Store
	now   func() time.Time
	log   *zap.Logger
	obs   Observer
	agg   LogAggregator

	// ctx governs runtime calls and waiters; cancelled by Shutdown.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// changed gets a value (without blocking) whenever a container
	// completes, so the status updater can heartbeat early.
	changed chan struct{}

	mu         sync.Mutex
	containers map[api.ContainerID]*container
	apps       map[api.ApplicationID]*app
	seen       map[api.ContainerID]struct{} // every id ever started: replay guard
	closing    bool
}

// New returns a manager. Call Recover before serving requests.
func New(cfg Config, deps Deps) (*Manager, error) {
	var errs []error
	if cfg.NodeID.IsZero() {
		errs = append(errs, errors.New("containermanager: no node id"))
	}
	if len(cfg.LocalDirs) == 0 || len(cfg.LogDirs) == 0 {
		errs = append(errs, errors.New("containermanager: need at least one local dir and one log dir"))
	}
	if deps.Runtime == nil || deps.Localizer == nil {
		errs = append(errs, errors.New("containermanager: need a runtime and a localizer"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Observer == nil {
		deps.Observer = nopObserver{}
	}
	if cfg.PathEnv == "" {
		cfg.PathEnv = "/usr/local/bin:/usr/bin:/bin"
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{
		cfg: cfg, rt: deps.Runtime, sec: deps.Secret, loc: deps.Localizer, store: deps.Store,
		now: deps.Clock, log: deps.Logger.Named("nm.containers"), obs: deps.Observer, agg: deps.Aggregator,
		ctx: ctx, cancel: cancel, changed: make(chan struct{}, 1),
		containers: map[api.ContainerID]*container{},
		apps:       map[api.ApplicationID]*app{},
		seen:       map[api.ContainerID]struct{}{},
	}, nil
}

// Changed delivers a value after containers complete (coalesced).
func (m *Manager) Changed() <-chan struct{} { return m.changed }

func (m *Manager) notify() {
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// NodeID is the node the manager serves.
func (m *Manager) NodeID() api.NodeID { return m.cfg.NodeID }

// Runtime is the runtime containers run in.
func (m *Manager) Runtime() containers.Runtime { return m.rt }

// dirs returns the work dir and log dir of a container, spreading containers
// over the configured dirs by their sequence number.
func (m *Manager) dirs(id api.ContainerID, user string) (work, logs string) {
	n := int(id.Seq % int64(len(m.cfg.LocalDirs)))
	work = filepath.Join(m.appCacheDir(m.cfg.LocalDirs[n], user, id.App()), id.String())
	n = int(id.Seq % int64(len(m.cfg.LogDirs)))
	logs = filepath.Join(m.cfg.LogDirs[n], id.App().String(), id.String())
	return work, logs
}

func (m *Manager) appCacheDir(localDir, user string, app api.ApplicationID) string {
	return filepath.Join(localDir, "usercache", user, "appcache", app.String())
}

// persist writes c's record; failures are logged (the container still runs,
// only a later recovery would miss it).
// persist writes c's record as it is now. Writes of one container are
// serialized and each reads the record when it runs, so the state on disk is
// never older than the last change, whatever order callers reach here in.
func (m *Manager) persist(c *container) {
	if m.store == nil {
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	m.mu.Lock()
	rec := c.rec
	m.mu.Unlock()
	if err := m.store.PutContainer(rec); err != nil {
		m.log.Error("persisting container record failed", zap.String("container_id", rec.ID.String()), zap.Error(err))
	}
}

// addLocked records c under its application, creating the application.
func (m *Manager) addLocked(c *container) *app {
	m.containers[c.rec.ID] = c
	m.seen[c.rec.ID] = struct{}{}
	id := c.rec.ID.App()
	a := m.apps[id]
	if a == nil {
		a = &app{id: id, user: c.rec.User}
		m.apps[id] = a
	}
	a.containers = append(a.containers, c.rec.ID)
	return a
}

// goLocked runs f in a goroutine Shutdown waits for, unless the manager has
// shut down. m.mu must be held, so no goroutine starts after Shutdown's Wait
// began.
func (m *Manager) goLocked(f func()) bool {
	if m.ctx.Err() != nil {
		return false
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		f()
	}()
	return true
}
