package spark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// Deps are what the AM runs with.
type Deps struct {
	RM  *appmaster.AMRMClient
	NM  *appmaster.NMClient
	Log *zap.Logger // nil: no logging
	// Host is the NM's host (NM_HOST): the cluster-mode driver binds and
	// advertises it, and a client-mode AM registers with it.
	Host string
	// WorkDir is the container's work dir, where the user's binary was
	// localized and the driver runs ("": the current directory).
	WorkDir string
	// Environ is the AM's environment (os.Environ()), the base of the
	// cluster-mode driver's.
	Environ []string
	// Stdout and Stderr receive the cluster-mode driver's output (nil: the
	// null device).
	Stdout, Stderr io.Writer
	// Heartbeat tunes the allocate loop (zero fields: the defaults).
	Heartbeat appmaster.HeartbeatConfig
	// Timing holds the AM's own periods and bounds (zero fields: defaults).
	Timing Timing
}

// Timing holds the AM's periods and bounds, and its clock.
type Timing struct {
	// PollInterval is the pause between driver status polls (500 ms).
	PollInterval time.Duration
	// DriverCallTimeout bounds one call to the driver (5 s).
	DriverCallTimeout time.Duration
	// DriverExitWait bounds the wait for a cluster-mode driver to exit
	// after the ack (10 s); it is then stopped.
	DriverExitWait time.Duration
	// StopGrace is the pause between SIGTERM and SIGKILL to the driver (5 s).
	StopGrace time.Duration
	// StopTimeout bounds stopping the executors at the end (10 s).
	StopTimeout time.Duration
	// FinishTimeout bounds unregistering after the RM was lost (10 s).
	FinishTimeout time.Duration
	// Now and After are the clock (nil: time.Now, time.After).
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
}

// DefaultTiming returns the defaults.
func DefaultTiming() Timing {
	return Timing{
		PollInterval: 500 * time.Millisecond, DriverCallTimeout: 5 * time.Second, DriverExitWait: 10 * time.Second,
		StopGrace: 5 * time.Second, StopTimeout: 10 * time.Second, FinishTimeout: 10 * time.Second,
		Now: time.Now, After: time.After,
	}
}

func (t Timing) withDefaults() Timing {
	d := DefaultTiming()
	pick := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&t.PollInterval, d.PollInterval)
	pick(&t.DriverCallTimeout, d.DriverCallTimeout)
	pick(&t.DriverExitWait, d.DriverExitWait)
	pick(&t.StopGrace, d.StopGrace)
	pick(&t.StopTimeout, d.StopTimeout)
	pick(&t.FinishTimeout, d.FinishTimeout)
	if t.Now == nil {
		t.Now = d.Now
	}
	if t.After == nil {
		t.After = d.After
	}
	return t
}

// Result is how the run ended.
type Result struct {
	FinalStatus api.FinalStatus
	Diagnostics string
	// Unregistered: the RM accepted the final status.
	Unregistered bool
}

// Succeeded reports whether the AM unregistered SUCCEEDED.
func (r Result) Succeeded() bool { return r.Unregistered && r.FinalStatus == api.FinalSucceeded }

// Run runs the application master to its end. The error is non-nil when
// the AM could not do its job (bad options — wrapping ErrInvalidOptions,
// nothing registered —, no RM, AM_SHUTDOWN, stopped by its context, the
// final status not accepted); a FAILED application is a Result, not an
// error.
func Run(ctx context.Context, opts Options, deps Deps) (Result, error) {
	failed := Result{FinalStatus: api.FinalFailed}
	if err := opts.Validate(); err != nil {
		return failed, err
	}
	if deps.RM == nil || deps.NM == nil {
		return failed, errors.New("spark: Deps.RM and Deps.NM are required")
	}
	if deps.WorkDir == "" {
		deps.WorkDir = "."
	}
	if opts.DeployMode == Cluster {
		if fi, err := os.Stat(filepath.Join(deps.WorkDir, opts.Binary)); err != nil || !fi.Mode().IsRegular() {
			return failed, fmt.Errorf("%w: --binary %q is not a file in the work dir %s", ErrInvalidOptions, opts.Binary, deps.WorkDir)
		}
	}
	if deps.Log == nil {
		deps.Log = zap.NewNop()
	}
	if opts.Secret == "" {
		opts.Secret = lookupEnv(deps.Environ, protocol.EnvSecret)
	}
	deps.Timing = deps.Timing.withDefaults()
	app := deps.RM.AttemptID().App
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	a := &sparkAM{
		opts: opts, deps: deps, t: deps.Timing, app: app,
		log:         deps.Log.Named("spark").With(zap.String("app_id", app.String())),
		http:        &http.Client{Transport: tr},
		maxFailures: opts.MaxFailures(),
		launches:    make(chan launchResult),
		polls:       make(chan pollResult, 1),
		execs:       map[api.ContainerID]*executor{},
	}
	a.callCtx, a.cancelCalls = context.WithCancel(context.WithoutCancel(ctx))
	defer a.cancelCalls()
	a.pollCtx, a.cancelPolls = context.WithCancel(a.callCtx)
	return a.run(ctx)
}

type sparkAM struct {
	opts        Options
	deps        Deps
	t           Timing
	app         api.ApplicationID
	log         *zap.Logger
	http        *http.Client
	driver      *driverProc // cluster mode
	dc          *driverClient
	driverURL   string
	capability  api.Resource
	maxFailures int

	// calls to the driver run under callCtx (cancelled when the AM is
	// stopped), polls under pollCtx (cancelled when the AM winds down).
	callCtx     context.Context
	cancelCalls context.CancelFunc
	pollCtx     context.Context
	cancelPolls context.CancelFunc
	calls       sync.WaitGroup

	launches chan launchResult
	launchWG sync.WaitGroup
	polls    chan pollResult
	pollGen  int  // polls started
	polling  bool // a poll is in flight
	pollNow  bool // poll again as soon as the one in flight is back

	execs       map[api.ContainerID]*executor
	nextID      int
	failures    int
	lastFailure string
	pendingLoss []loss
	lastState   protocol.DriverState
	lastContact time.Time
	unreachable bool // the last poll failed
}

func (a *sparkAM) run(ctx context.Context) (Result, error) {
	driverURL, host, port := a.opts.DriverURL, a.deps.Host, 0
	if a.opts.DeployMode == Cluster {
		info, res, err := a.launchDriver(ctx)
		if info == nil {
			return res, err
		}
		driverURL = info.URL
		h, p, _ := net.SplitHostPort(info.URL) // checked by readDriverInfo
		host, port = h, atoi(p)
	}
	a.driverURL = driverURL
	a.dc = newDriverClient(driverURL, a.opts.Secret, a.http, a.t.DriverCallTimeout)
	reg, err := a.deps.RM.Register(ctx, host, port, "")
	if err != nil {
		a.stopDriver()
		return Result{FinalStatus: api.FinalFailed}, fmt.Errorf("registering with the resource manager: %w", err)
	}
	a.capability = a.opts.Capability()
	if most := reg.MaximumCapability; most.Positive() && !a.capability.Fits(most) {
		a.capability = a.capability.Min(most)
		a.log.Warn("executor size above the cluster maximum: using the maximum",
			zap.Stringer("asked", a.opts.Capability()), zap.Stringer("using", a.capability))
	}
	for _, c := range reg.ContainersFromPreviousAttempts {
		a.log.Info("ignoring a container of an earlier attempt (the resource manager stops it)", zap.String("container_id", c.ID.String()))
	}
	if err := a.deps.RM.AddRequest(ExecutorPriority, a.capability, a.opts.NumExecutors); err != nil {
		a.stopDriver()
		return Result{FinalStatus: api.FinalFailed}, err
	}
	a.log.Info("requesting executors", zap.Int("count", a.opts.NumExecutors), zap.Stringer("capability", a.capability),
		zap.String("driver_url", driverURL), zap.Int("max_executor_failures", a.maxFailures), zap.String("image", a.opts.ExecutorImage))
	a.lastContact = a.t.Now()
	hb := a.deps.RM.StartHeartbeat(ctx, a.deps.Heartbeat)
	launchCtx, stopLaunches := context.WithCancel(ctx)
	defer stopLaunches()
	out := a.loop(ctx, launchCtx, hb)
	return a.windDown(ctx, out, hb, stopLaunches)
}

// launchDriver starts the cluster-mode driver and waits until it serves. A
// nil info means the run is over: res and err say how.
func (a *sparkAM) launchDriver(ctx context.Context) (*protocol.DriverInfo, Result, error) {
	infoPath, err := filepath.Abs(filepath.Join(a.deps.WorkDir, DriverInfoFileName))
	if err != nil {
		infoPath = filepath.Join(a.deps.WorkDir, DriverInfoFileName)
	}
	_ = os.Remove(infoPath) // never read a stale one
	environ := a.opts.DriverEnviron(a.deps.Environ, a.app, a.deps.Host, infoPath)
	d, err := startDriver(a.opts, a.deps.WorkDir, environ, a.deps.Stdout, a.deps.Stderr)
	if err != nil {
		a.log.Error("driver could not be started", zap.Error(err))
		res, ferr := a.failEarly(ctx, fmt.Sprintf("could not start the driver ./%s: %v", a.opts.Binary, err))
		return nil, res, ferr
	}
	a.driver = d
	a.log.Info("driver started", zap.Int("pid", d.pid()), zap.String("binary", a.opts.Binary), zap.Strings("args", a.opts.Args))
	timeout := a.opts.DriverStartTimeout()
	info, err := d.awaitInfo(ctx, infoPath, timeout, a.t)
	var diag string
	switch {
	case err == nil:
		a.log.Info("driver serving", zap.Int("pid", d.pid()), zap.String("driver_url", info.URL))
		return &info, Result{}, nil
	case ctx.Err() != nil || errors.Is(err, errDriverExited) && a.stoppedWithDriver(ctx):
		a.log.Warn("stopped before the driver served: stopping it")
		a.stopDriver()
		return nil, Result{FinalStatus: api.FinalKilled, Diagnostics: "application master stopped"}, fmt.Errorf("stopped: %w", context.Cause(ctx))
	case errors.Is(err, errDriverExited):
		diag = "driver " + d.describeExit() + " before it started serving"
	case errors.Is(err, errDriverSilent):
		a.stopDriver()
		diag = fmt.Sprintf("driver did not start serving within %s (%s)", timeout, ConfAMWaitTime)
	default:
		a.stopDriver()
		diag = err.Error()
	}
	a.log.Error("driver failed to start", zap.String("diagnostics", diag))
	res, ferr := a.failEarly(ctx, withTail(diag, d.stderrTail()))
	return nil, res, ferr
}

// failEarly registers only to unregister FAILED: the driver never served.
func (a *sparkAM) failEarly(ctx context.Context, diag string) (Result, error) {
	if _, err := a.deps.RM.Register(ctx, a.deps.Host, 0, ""); err != nil {
		return Result{FinalStatus: api.FinalFailed, Diagnostics: diag}, fmt.Errorf("registering with the resource manager: %w", err)
	}
	return a.finish(ctx, api.FinalFailed, diag)
}

func (a *sparkAM) finish(ctx context.Context, status api.FinalStatus, diag string) (Result, error) {
	res := Result{FinalStatus: status, Diagnostics: diag}
	if err := a.deps.RM.Finish(ctx, status, diag, ""); err != nil {
		a.log.Error("could not unregister from the resource manager", zap.Error(err))
		return res, fmt.Errorf("unregistering: %w", err)
	}
	res.Unregistered = true
	a.log.Info("application master finished", zap.String("final_status", string(status)), zap.String("diagnostics", diag))
	return res, nil
}

// stopDriver stops a cluster-mode driver that still runs.
func (a *sparkAM) stopDriver() {
	if a.driver == nil || a.driver.exited() {
		return
	}
	a.log.Info("stopping the driver", zap.Int("pid", a.driver.pid()), zap.Duration("grace", a.t.StopGrace))
	a.driver.stop(a.t.StopGrace, a.t.After)
	a.log.Info("driver stopped", zap.String("how", a.driver.describeExit()))
}

// signalGrace is how long the AM waits for its own SIGTERM after seeing its
// driver killed by a signal: the NM signals the container's whole process
// group, and the driver's exit may be seen first.
const signalGrace = time.Second

// stoppedWithDriver reports whether the AM's context ended (now or within
// signalGrace when the driver was killed by a signal).
func (a *sparkAM) stoppedWithDriver(ctx context.Context) bool {
	if ctx.Err() != nil || a.driver == nil || a.driver.state == nil {
		return ctx.Err() != nil
	}
	if ws, ok := a.driver.state.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		return false
	}
	select {
	case <-ctx.Done():
		return true
	case <-a.t.After(signalGrace):
		return false
	}
}

// withTail appends the driver's stderr tail to diag.
func withTail(diag, tail string) string {
	if tail == "" {
		return diag
	}
	return diag + "; last lines of its stderr:\n" + tail
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// lookupEnv finds key in KEY=VALUE entries.
func lookupEnv(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
