package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/appmaster/engine/internal/sched"
	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// maxResultBytes bounds one task's result (Spark's spark.driver.maxResultSize).
const maxResultBytes = 1 << 30

// driver serves the protocol's endpoints, keeps the scheduler and runs the
// user's main.
type driver struct {
	cfg   Config
	set   settings
	log   *zap.Logger
	reg   *registry
	sched *sched.Scheduler
	hc    *http.Client
	srv   *http.Server
	addr  string // host:port

	served      chan struct{}
	stopExpiry  chan struct{}
	expiryDone  chan struct{}
	nextShuffle atomic.Int64

	mu        sync.Mutex
	state     protocol.DriverState
	diag      string
	requested int
	changed   chan struct{} // closed and replaced when executors come or go
	acked     chan struct{}
	ackOnce   sync.Once
}

// startDriver listens on the driver host, serves, and writes DriverInfo.
func startDriver(cfg Config, reg *registry, requested int) (*driver, error) {
	set, err := parseSettings(cfg.Conf)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	log := cfg.Logger.Named("driver")
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.DriverHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("driver listen: %w", err)
	}
	d := &driver{
		cfg: cfg, set: set, log: log, reg: reg, hc: wire.NewHTTPClient(set.secret),
		addr:   net.JoinHostPort(cfg.DriverHost, fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)),
		served: make(chan struct{}), stopExpiry: make(chan struct{}), expiryDone: make(chan struct{}),
		state: protocol.DriverWaiting, requested: requested, changed: make(chan struct{}), acked: make(chan struct{}),
	}
	d.sched = sched.New(sched.Config{MaxTaskFailures: set.maxFailures, Logger: cfg.Logger.Named("scheduler"), Now: cfg.Now},
		httpSender{d.hc})
	d.srv = &http.Server{Handler: d.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() { defer close(d.served); _ = d.srv.Serve(ln) }()
	go d.expireLoop()
	if cfg.DriverInfoFile != "" {
		if err := writeDriverInfo(cfg.DriverInfoFile, protocol.DriverInfo{URL: d.addr, PID: os.Getpid()}); err != nil {
			d.close()
			return nil, err
		}
	}
	log.Info("driver listening", zap.String("address", d.addr), zap.Int("executors_requested", requested))
	return d, nil
}

// writeDriverInfo writes info as JSON to path through a temporary file, so
// a reader never sees half of it.
func writeDriverInfo(path string, info protocol.DriverInfo) error {
	data, err := json.Marshal(info)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("driver info: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("driver info: %w", err)
	}
	return nil
}

func (d *driver) close() {
	d.sched.Stop()
	select {
	case <-d.stopExpiry:
	default:
		close(d.stopExpiry)
	}
	<-d.expiryDone
	shutdown(d.srv)
	<-d.served
	d.hc.CloseIdleConnections()
}

func (d *driver) expireLoop() {
	defer close(d.expiryDone)
	t := time.NewTicker(d.set.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-d.stopExpiry:
			return
		case <-t.C:
			if gone := d.sched.ExpireExecutors(d.set.networkTimeout); len(gone) > 0 {
				d.notify()
			}
		}
	}
}

func (d *driver) notify() {
	d.mu.Lock()
	close(d.changed)
	d.changed = make(chan struct{})
	d.mu.Unlock()
}

func (d *driver) status() protocol.DriverStatus {
	n := len(d.sched.Executors())
	d.mu.Lock()
	defer d.mu.Unlock()
	return protocol.DriverStatus{State: d.state, Diagnostics: d.diag, ExecutorsRequested: d.requested, ExecutorsRegistered: n}
}

func (d *driver) setState(s protocol.DriverState, diag string) {
	d.mu.Lock()
	d.state, d.diag = s, diag
	d.mu.Unlock()
	d.log.Info("driver state", zap.String("state", string(s)))
}

// waitForExecutors returns once all requested executors registered, or
// once spark.scheduler.maxRegisteredResourcesWaitingTime has passed and the
// share spark.scheduler.minRegisteredResourcesRatio of them has.
func (d *driver) waitForExecutors(ctx context.Context) error {
	start := time.Now()
	timer := time.NewTimer(d.set.maxWait)
	defer timer.Stop()
	late, warned := false, false
	for {
		d.mu.Lock()
		changed := d.changed
		d.mu.Unlock()
		n := len(d.sched.Executors())
		if n >= d.requested || (late && float64(n) >= d.set.minRatio*float64(d.requested)) {
			d.log.Info("executors ready", zap.Int("registered", n), zap.Int("requested", d.requested),
				zap.Duration("waited", time.Since(start)))
			return nil
		}
		if late && !warned {
			warned = true
			d.log.Warn("still waiting for executors", zap.Int("registered", n), zap.Int("requested", d.requested),
				zap.Float64("min_ratio", d.set.minRatio))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("interrupted while waiting for executors: %w", ctx.Err())
		case <-changed:
		case <-timer.C:
			late = true
		}
	}
}

// panicError is a panic in the user's main.
type panicError struct{ msg string }

func (e *panicError) Error() string { return e.msg }

// finish records main's outcome, stops the scheduler and tells the
// executors to stop.
func (d *driver) finish(err error) {
	if err != nil {
		d.setState(protocol.DriverFailed, err.Error())
		d.log.Error("application failed", zap.Error(err))
	} else {
		d.setState(protocol.DriverSucceeded, "")
	}
	d.sched.Stop()
	var wg sync.WaitGroup
	for _, ex := range d.sched.Executors() {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := wire.Call(ctx, d.hc, http.MethodPost, ex.Addr, wire.PathExecutorStop, struct{}{}, nil, 1<<20); err != nil {
				d.log.Debug("executor did not take the stop", zap.String("executor_id", ex.ID), zap.Error(err))
			}
		})
	}
	wg.Wait()
}

// awaitAck waits for the AM's ack, at most timeout, and not at all once
// ctx has ended (the process is being stopped).
func (d *driver) awaitAck(ctx context.Context, timeout time.Duration) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-d.acked:
		d.log.Info("final state acknowledged")
	case <-ctx.Done():
	case <-t.C:
		d.log.Warn("no acknowledgement of the final state; exiting anyway", zap.Duration("waited", timeout))
	}
}

func (d *driver) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+protocol.PathRegisterExecutor, wire.RequireSecret(d.set.secret, http.HandlerFunc(d.handleRegister)))
	mux.Handle("POST "+protocol.PathExecutorLost, wire.RequireSecret(d.set.secret, http.HandlerFunc(d.handleLost)))
	mux.Handle("GET "+protocol.PathDriverStatus, wire.RequireSecret(d.set.secret, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		rpc.WriteJSON(w, http.StatusOK, d.status())
	})))
	mux.Handle("POST "+protocol.PathDriverAck, wire.RequireSecret(d.set.secret, http.HandlerFunc(d.handleAck)))
	mux.Handle("POST "+wire.PathHeartbeat, wire.RequireSecret(d.set.secret, http.HandlerFunc(d.handleHeartbeat)))
	return mux
}

func (d *driver) handleRegister(w http.ResponseWriter, r *http.Request) {
	var req protocol.RegisterExecutorRequest
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	var problems []error
	if !execIDPattern.MatchString(req.ExecutorID) {
		problems = append(problems, fmt.Errorf("executorId %q: want 1-64 letters, digits, '.', '_' or '-'", req.ExecutorID))
	}
	if req.Host == "" {
		problems = append(problems, errors.New("host is required"))
	}
	if req.Port < 1 || req.Port > 65535 {
		problems = append(problems, fmt.Errorf("port %d out of range", req.Port))
	}
	if req.Cores < 1 || req.Cores > 4096 {
		problems = append(problems, fmt.Errorf("cores %d: want 1 to 4096", req.Cores))
	}
	if len(problems) > 0 {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeInvalidRequest, "%v", errors.Join(problems...)))
		return
	}
	if st := d.status(); st.State.Final() {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeConflict, "the driver has finished (%s)", st.State))
		return
	}
	addr := net.JoinHostPort(req.Host, fmt.Sprint(req.Port))
	replaced := d.sched.AddExecutor(req.ExecutorID, addr, req.Cores)
	fields := []zap.Field{zap.String("executor_id", req.ExecutorID), zap.String("address", addr), zap.Int("cores", req.Cores)}
	if req.ContainerID != "" {
		fields = append(fields, zap.String("container_id", req.ContainerID))
	}
	if replaced {
		fields = append(fields, zap.Bool("replaced", true))
	}
	d.log.Info("registered executor", fields...)
	d.notify()
	rpc.WriteJSON(w, http.StatusOK, protocol.RegisterExecutorResponse{AppID: d.cfg.AppID, Conf: d.cfg.Conf})
}

func (d *driver) handleLost(w http.ResponseWriter, r *http.Request) {
	var req protocol.ExecutorLostRequest
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	if req.ExecutorID == "" {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeInvalidRequest, "executorId is required"))
		return
	}
	reason := fmt.Sprintf("container ended (exit status %d)", req.ExitStatus)
	if req.Reason != "" {
		reason += ": " + req.Reason
	}
	if d.sched.RemoveExecutor(req.ExecutorID, reason) {
		d.notify()
	}
	rpc.WriteJSON(w, http.StatusOK, struct{}{})
}

func (d *driver) handleAck(w http.ResponseWriter, _ *http.Request) {
	if st := d.status(); !st.State.Final() {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeConflict, "nothing to acknowledge: the driver is %s", st.State))
		return
	}
	rpc.WriteJSON(w, http.StatusOK, struct{}{})
	_ = http.NewResponseController(w).Flush() // answered before the driver may exit
	d.ackOnce.Do(func() { close(d.acked) })
}

func (d *driver) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	var req wire.HeartbeatRequest
	if err := rpc.Decode(r, &req); err != nil {
		rpc.WriteError(w, err)
		return
	}
	rpc.WriteJSON(w, http.StatusOK, wire.HeartbeatResponse{Known: d.sched.Heartbeat(req.ExecutorID), Stop: d.status().State.Final()})
}

// httpSender pushes tasks to executors over HTTP.
type httpSender struct{ hc *http.Client }

func (h httpSender) RunTask(ctx context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error) {
	var res wire.TaskResult
	if err := wire.Call(ctx, h.hc, http.MethodPost, addr, wire.PathTasks, spec, &res, maxResultBytes); err != nil {
		return nil, err
	}
	if res.Status == "" {
		return nil, errors.New("task answer without a status")
	}
	return &res, nil
}

// shutdown lets the requests in flight finish for a moment, then closes
// whatever is left.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if srv.Shutdown(ctx) != nil {
		srv.Close()
	}
}
