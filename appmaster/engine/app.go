package engine

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// App is a program's functions and record types, registered by name before
// Run in every process of the application.
type App struct {
	name string
	reg  *registry
}

// New returns an App named name (the default spark.app.name).
func New(name string) *App { return &App{name: name, reg: newRegistry()} }

// Name is the app's name.
func (a *App) Name() string { return a.name }

// Err reports the registration mistakes so far (a function registered
// twice, a nil function, two types with one name). Run fails with them.
func (a *App) Err() error { return a.reg.err() }

// Main is the user's program: it runs on the driver only.
type Main func(ctx *Context) error

// Run runs the process in the role its environment gives it (see package
// protocol) and exits: the driver runs main once enough executors have
// registered and exits 0 when main returned nil, 1 when it returned an
// error or panicked; an executor runs tasks until the driver is done; with
// no role set, main runs in local mode with in-process executors. Logs go
// to stderr; standard output is the program's.
func (a *App) Run(main Main) {
	cfg, cfgErr := ConfigFromEnv(os.LookupEnv, os.Args[1:])
	log := stderrLogger(cfg.Conf[confLogLevel])
	if cfgErr != nil {
		log.Error("bad configuration", zap.Error(cfgErr))
		_ = log.Sync()
		os.Exit(1)
	}
	cfg.Logger = log
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := a.RunConfig(ctx, cfg, main)
	stop()
	_ = log.Sync()
	if err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

// RunConfig is Run with an explicit configuration and without the exit.
// For a driver or local mode it returns main's error (a panic in main
// becomes an error starting with "panic: "); for an executor, nil once the
// driver told it to stop or ctx ended.
func (a *App) RunConfig(ctx context.Context, cfg Config, main Main) error {
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Conf == nil {
		cfg.Conf = map[string]string{}
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = protocol.AckTimeout
	}
	if cfg.AppID == "" {
		cfg.AppID = "local-" + strconv.FormatInt(time.Now().UnixMilli(), 10)
	}
	cfg.Logger = cfg.Logger.Named("engine").With(zap.String("app_id", cfg.AppID))
	a.reg.freeze()
	err := cfg.Validate()
	if err == nil {
		err = a.reg.err()
	}
	if err != nil {
		cfg.Logger.Error("cannot start", zap.Error(err))
		return err
	}
	switch cfg.Role {
	case protocol.RoleExecutor:
		return runExecutor(ctx, cfg, a.reg)
	case protocol.RoleDriver:
		return a.runDriver(ctx, cfg, main, false)
	default:
		return a.runDriver(ctx, cfg, main, true)
	}
}

// runDriver is the driver's life: serve, wait for executors, run main,
// report, stop the executors, wait for the AM's ack (cluster roles only).
func (a *App) runDriver(ctx context.Context, cfg Config, main Main, local bool) error {
	requested := cfg.Executors
	if local {
		requested = cfg.LocalExecutors
		cfg.DriverHost = "127.0.0.1"
	}
	d, err := startDriver(cfg, a.reg, requested)
	if err != nil {
		cfg.Logger.Error("cannot start the driver", zap.Error(err))
		return err
	}
	defer d.close()
	var execs sync.WaitGroup
	execCtx, stopExecs := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		stopExecs()
		execs.Wait()
	}()
	if local {
		for i := 1; i <= cfg.LocalExecutors; i++ {
			ec := cfg
			ec.Role, ec.DriverURL, ec.ExecutorID, ec.ExecutorHost = protocol.RoleExecutor, d.addr, strconv.Itoa(i), "127.0.0.1"
			ec.ExecutorCores = cfg.cores(true)
			execs.Go(func() {
				if err := runExecutor(execCtx, ec, a.reg); err != nil {
					cfg.Logger.Warn("local executor ended", zap.String("executor_id", ec.ExecutorID), zap.Error(err))
				}
			})
		}
	}
	err = d.waitForExecutors(ctx)
	if err == nil {
		d.setState(protocol.DriverRunning, "")
		c := newContext(ctx, a, cfg, d)
		err = callMain(main, c)
	}
	d.finish(err)
	if !local {
		d.awaitAck(ctx, cfg.AckTimeout)
	}
	return err
}

// callMain runs main, turning a panic into an error.
func callMain(main Main, c *Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{msg: panicMessage(r, debug.Stack())}
		}
	}()
	if main == nil {
		return errors.New("no main function")
	}
	return main(c)
}

// stderrLogger writes human-readable lines to stderr at level (INFO when
// empty or unknown).
func stderrLogger(level string) *zap.Logger {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		lvl = zapcore.InfoLevel
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	enc.EncodeLevel = zapcore.CapitalLevelEncoder
	enc.EncodeDuration = zapcore.StringDurationEncoder
	return zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(os.Stderr), lvl))
}
