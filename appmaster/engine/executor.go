package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/appmaster/engine/internal/shuffle"
	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// Why an executor gives up.
var (
	// ErrDriverUnreachable: registration or heartbeats failed for longer
	// than spark.network.timeout.
	ErrDriverUnreachable = errors.New("driver unreachable")
	// ErrRejected: the driver refused the executor (it has finished, or
	// has removed this executor).
	ErrRejected = errors.New("rejected by the driver")
)

// maxSpecBytes bounds a task description (a parallelized partition travels
// in it).
const maxSpecBytes = 1 << 30

// executor runs tasks for a driver and serves its map outputs.
type executor struct {
	cfg     Config
	set     settings
	log     *zap.Logger
	reg     *registry
	hc      *http.Client
	store   *shuffle.Store
	fetcher *shuffle.Fetcher
	addr    string // host:port it serves on

	stopOnce sync.Once
	stopCh   chan struct{}

	mu       sync.Mutex
	closing  bool
	handlers sync.WaitGroup // running task handlers
}

// runExecutor serves tasks until the driver says stop (nil), ctx ends
// (nil), or the driver is gone (ErrDriverUnreachable, ErrRejected).
func runExecutor(ctx context.Context, cfg Config, reg *registry) error {
	set, err := parseSettings(cfg.Conf)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	log := cfg.Logger.Named("executor").With(zap.String("executor_id", cfg.ExecutorID))
	base := cfg.WorkDir
	if base == "" {
		base = os.TempDir()
	}
	dir, err := os.MkdirTemp(base, "engine-executor-"+cfg.ExecutorID+"-")
	if err != nil {
		return fmt.Errorf("executor work dir: %w", err)
	}
	defer os.RemoveAll(dir)
	store, err := shuffle.NewStore(filepath.Join(dir, "shuffle"))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.ExecutorHost, "0"))
	if err != nil {
		return fmt.Errorf("executor listen: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	hc := wire.NewHTTPClient(set.secret)
	defer hc.CloseIdleConnections()
	x := &executor{
		cfg: cfg, set: set, log: log, reg: reg, hc: hc, store: store,
		fetcher: &shuffle.Fetcher{HTTP: hc, Local: store, LocalID: cfg.ExecutorID},
		addr:    net.JoinHostPort(cfg.ExecutorHost, fmt.Sprint(port)),
		stopCh:  make(chan struct{}),
	}
	srv := &http.Server{Handler: x.routes(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(ln) }()
	defer func() {
		srv.Close() // cancels the requests of tasks still running
		<-served
		x.waitHandlers(10 * time.Second)
	}()
	log.Info("executor started", zap.String("address", x.addr), zap.Int("cores", cfg.cores(false)),
		zap.String("driver", cfg.DriverURL), zap.String("work_dir", dir))
	if err := x.register(ctx, port); err != nil {
		log.Error("registration failed; exiting", zap.Error(err))
		return err
	}
	return x.heartbeats(ctx)
}

func (x *executor) waitHandlers(d time.Duration) {
	x.mu.Lock()
	x.closing = true
	x.mu.Unlock()
	done := make(chan struct{})
	go func() { x.handlers.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		x.log.Warn("tasks still running at exit")
	}
}

func (x *executor) stop() { x.stopOnce.Do(func() { close(x.stopCh) }) }

func (x *executor) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wire.PathTasks, x.handleTask)
	mux.Handle("GET "+wire.PathShuffle, http.StripPrefix(wire.PathShuffle, x.store))
	mux.HandleFunc("POST "+wire.PathExecutorStop, func(w http.ResponseWriter, _ *http.Request) {
		x.log.Info("stopping: the driver is done")
		rpc.WriteJSON(w, http.StatusOK, struct{}{})
		// The answer must be on its way before the server closes.
		_ = http.NewResponseController(w).Flush()
		x.stop()
	})
	return wire.RequireSecret(x.set.secret, mux)
}

func (x *executor) handleTask(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	if x.closing {
		x.mu.Unlock()
		rpc.WriteError(w, rpc.Errorf(rpc.CodeNotActive, "executor %s is stopping", x.cfg.ExecutorID))
		return
	}
	x.handlers.Add(1)
	x.mu.Unlock()
	defer x.handlers.Done()
	var spec wire.TaskSpec
	data, err := io.ReadAll(io.LimitReader(r.Body, maxSpecBytes+1))
	if err == nil && len(data) > maxSpecBytes {
		err = fmt.Errorf("task over %d bytes", maxSpecBytes)
	}
	if err == nil {
		err = json.Unmarshal(data, &spec)
	}
	if err != nil {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeInvalidRequest, "task: %v", err))
		return
	}
	start := time.Now()
	res := x.runTask(r.Context(), &spec)
	fields := []zap.Field{zap.Int64("task_id", spec.TaskID), zap.Int("job_id", spec.JobID), zap.Int("stage_id", spec.StageID),
		zap.Int("partition", spec.Partition), zap.Int("attempt", spec.Attempt), zap.Duration("took", time.Since(start))}
	if res.Status != wire.StatusSuccess && r.Context().Err() == nil {
		x.log.Warn("task failed", append(fields, zap.String("status", res.Status), zap.String("error", res.Error))...)
	} else {
		x.log.Debug("task finished", append(fields, zap.Int64("records", res.Count))...)
	}
	rpc.WriteJSON(w, http.StatusOK, res)
}

// register announces the executor, retrying while the driver is not up,
// for at most spark.network.timeout.
func (x *executor) register(ctx context.Context, port int) error {
	req := protocol.RegisterExecutorRequest{ExecutorID: x.cfg.ExecutorID, Host: x.cfg.ExecutorHost, Port: port,
		Cores: x.cfg.cores(false), ContainerID: x.cfg.ContainerID, NodeHTTPAddress: x.cfg.NodeHTTPAddress}
	deadline := x.now().Add(x.set.networkTimeout)
	pause := 100 * time.Millisecond
	for {
		var resp protocol.RegisterExecutorResponse
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := wire.Call(cctx, x.hc, http.MethodPost, x.cfg.DriverURL, protocol.PathRegisterExecutor, req, &resp, 1<<20)
		cancel()
		if err == nil {
			x.adopt(resp)
			return nil
		}
		var se *wire.StatusError
		if errors.As(err, &se) && se.Code/100 == 4 {
			return fmt.Errorf("%w: %w", ErrRejected, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if x.now().Add(pause).After(deadline) {
			return fmt.Errorf("%w: registering with %s for %s: %w", ErrDriverUnreachable, x.cfg.DriverURL, x.set.networkTimeout, err)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// adopt takes the driver's timing settings: every process of an
// application then agrees on them.
func (x *executor) adopt(resp protocol.RegisterExecutorResponse) {
	if set, err := parseSettings(resp.Conf); err == nil {
		x.set = set
	}
	x.log.Info("registered with the driver", zap.String("driver", x.cfg.DriverURL))
}

func (x *executor) now() time.Time {
	if x.cfg.Now != nil {
		return x.cfg.Now()
	}
	return time.Now()
}

// heartbeats tells the driver the executor is alive until it is told to
// stop, and gives up when the driver has been unreachable for
// spark.network.timeout.
func (x *executor) heartbeats(ctx context.Context) error {
	t := time.NewTicker(x.set.heartbeat)
	defer t.Stop()
	lastOK := x.now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-x.stopCh:
			return nil
		case <-t.C:
		}
		var resp wire.HeartbeatResponse
		cctx, cancel := context.WithTimeout(ctx, min(x.set.networkTimeout, 30*time.Second))
		err := wire.Call(cctx, x.hc, http.MethodPost, x.cfg.DriverURL, wire.PathHeartbeat,
			wire.HeartbeatRequest{ExecutorID: x.cfg.ExecutorID}, &resp, 1<<20)
		cancel()
		switch {
		case err == nil && resp.Stop:
			x.log.Info("stopping: the driver is done")
			return nil
		case err == nil && !resp.Known:
			x.log.Error("the driver no longer knows this executor; exiting")
			return fmt.Errorf("%w: removed by the driver", ErrRejected)
		case err == nil:
			lastOK = x.now()
		case x.now().Sub(lastOK) > x.set.networkTimeout:
			x.log.Error("driver unreachable; exiting", zap.Duration("for", x.now().Sub(lastOK)), zap.Error(err))
			return fmt.Errorf("%w: no answer for %s: %w", ErrDriverUnreachable, x.set.networkTimeout, err)
		default:
			x.log.Warn("heartbeat failed", zap.Error(err))
		}
	}
}
