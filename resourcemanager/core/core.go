package core

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// LaunchRequest asks a Launcher to start an AM container on its NM.
type LaunchRequest struct {
	Attempt   api.AttemptID
	Container rpc.Container
	Launch    api.LaunchContext
}

// Launcher starts AM containers. Launch must not block: the launcher works in
// the background and reports back through Core.AMLaunched.
type Launcher interface {
	Launch(LaunchRequest)
}

// Observer is told what the RM's metrics count (resourcemanager/rmmetrics
// implements it). It is called under the core's lock and must be cheap.
type Observer interface {
	// ScheduleDone: one scheduling pass took d and placed containers.
	ScheduleDone(d time.Duration, placed int)
	// ContainerFinished: a container ended with a YARN exit status.
	ContainerFinished(exitStatus int)
}

type nopObserver struct{}

func (nopObserver) ScheduleDone(time.Duration, int) {}
func (nopObserver) ContainerFinished(int)           {}

// Deps are the core's collaborators.
type Deps struct {
	Scheduler *scheduler.Scheduler
	Store     store.Store
	Launcher  Launcher
	Secret    security.Secret
	Logger    *zap.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// OnStoreError is told about every failed store write.
	OnStoreError func(error)
	// Observer is told about scheduling passes and finished containers
	// (nil: nobody).
	Observer Observer
	// OnAppFinished is told of every application that ended whose id this
	// cluster issued to its user (nil: nobody). It is called under the
	// core's lock and must not block.
	OnAppFinished func(api.ApplicationID, api.SubmissionContext)
}

// Core owns the RM's state. All methods are safe for concurrent use.
type Core struct {
	cfg      Config
	sched    *scheduler.Scheduler
	launcher Launcher
	secret   security.Secret
	log      *zap.Logger
	now      func() time.Time
	journal  *journal
	storeNm  string
	obs      Observer
	onFinish func(api.ApplicationID, api.SubmissionContext)

	mu        sync.Mutex
	apps      map[api.ApplicationID]*app
	completed []api.ApplicationID // finished apps, oldest first, for the history bound
	// issued maps ids handed out by NewApplication, not submitted yet, to
	// the user they went to; issuedOrder is their order, for the bound.
	issued      map[api.ApplicationID]string
	issuedOrder []api.ApplicationID
	nodes       map[api.NodeID]*node // active nodes (NEW, RUNNING, UNHEALTHY, DECOMMISSIONING)
	inactive    map[api.NodeID]*node // LOST, SHUTDOWN, REBOOTED, DECOMMISSIONED
	containers  map[api.ContainerID]*container
	nextSeq     int32
	stats       counters
	// recoverUntil is the end of the recovery grace period: no new
	// containers are scheduled before it.
	recoverUntil time.Time
}

// counters are cumulative since this RM started.
type counters struct {
	appsSubmitted, appsCompleted, appsFailed, appsKilled int
}

// New builds a core. The scheduler, store and launcher are required.
func New(cfg Config, deps Deps) (*Core, error) {
	var errs []error
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if deps.Scheduler == nil || deps.Store == nil || deps.Launcher == nil {
		errs = append(errs, errors.New("core: scheduler, store and launcher are required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Observer == nil {
		deps.Observer = nopObserver{}
	}
	c := &Core{
		cfg: cfg, sched: deps.Scheduler, launcher: deps.Launcher, secret: deps.Secret,
		log: deps.Logger.Named("core"), now: deps.Now, storeNm: deps.Store.Name(), obs: deps.Observer,
		onFinish: deps.OnAppFinished,
		apps:     map[api.ApplicationID]*app{}, nodes: map[api.NodeID]*node{}, inactive: map[api.NodeID]*node{},
		containers: map[api.ContainerID]*container{}, nextSeq: 1,
	}
	c.journal = newJournal(deps.Store, c.log, deps.OnStoreError)
	return c, nil
}

// Close drains the store journal. The core must not be used afterwards.
func (c *Core) Close() { c.journal.close() }

// Config returns the core's configuration.
func (c *Core) Config() Config { return c.cfg }

// StoreName names the state store in use.
func (c *Core) StoreName() string { return c.storeNm }

// Tick runs the clock-driven work: node and AM liveness, unused allocations,
// and a scheduling pass. The RM calls it a few times a second; tests call it
// with a fake time.
func (c *Core) Tick(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireNodes(now)
	if !c.recoverUntil.IsZero() && !c.recovering(now) {
		c.finishRecovery(now)
	}
	c.expireAMs(now)
	c.expireAllocations(now)
	c.schedule(now)
}

// schedule runs one scheduling pass and turns placements into containers.
func (c *Core) schedule(now time.Time) {
	if c.recovering(now) {
		return
	}
	start, placed := time.Now(), 0 // wall time, for the metrics only
	defer func() { c.obs.ScheduleDone(time.Since(start), placed) }()
	for _, p := range c.sched.Schedule(now) {
		a := c.apps[p.App]
		var att *attempt
		if a != nil {
			att = a.current()
		}
		n := c.nodes[p.Node]
		if a == nil || att == nil || n == nil || a.state.Terminal() || (!p.AM && att.state != api.AttemptRunning) ||
			(p.AM && att.state != api.AttemptScheduled) {
			// Demand that no longer has an owner: give the room back.
			c.sched.Release(p)
			continue
		}
		ct := c.newContainer(a, att, n, p, now)
		placed++
		if p.AM {
			c.allocateAM(a, att, ct, now)
		} else {
			att.newlyAllocated = append(att.newlyAllocated, ct)
		}
	}
}

func (c *Core) logTransition(kind, id string, err error) {
	c.log.Warn("refused state transition", zap.String("kind", kind), zap.String("id", id), zap.Error(err))
}

func wrapf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
