package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster"
)

// Exit codes.
const (
	exitSucceeded = 0
	exitFailed    = 1
	exitUsage     = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	code := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a subcommand gets besides its flags.
type env struct {
	getenv  func(string) string
	environ func() []string // the whole environment (a driver child inherits it)
	stdout  io.Writer
	stderr  io.Writer
}

// run runs the command line args and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, environ: os.Environ, stdout: stdout, stderr: stderr}
	app := &cli.App{
		Name:                      "appmaster",
		Usage:                     "goyarn application master (run by a NodeManager in an AM container)",
		Writer:                    stdout,
		ErrWriter:                 stderr,
		DisableSliceFlagSeparator: true,
		ExitErrHandler:            func(*cli.Context, error) {}, // run maps errors to codes
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn or error"},
			&cli.DurationFlag{Name: "heartbeat-interval", Value: time.Second, Usage: "pause between allocate calls to the RM"},
		},
		Commands: []*cli.Command{shellCommand(e), sparkCommand(e)},
	}
	err := app.RunContext(ctx, args)
	var ec cli.ExitCoder
	switch {
	case err == nil:
		return exitSucceeded
	case errors.As(err, &ec):
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "appmaster:", msg)
		}
		return ec.ExitCode()
	default: // flag parsing and the like
		fmt.Fprintln(stderr, "appmaster:", err)
		return exitUsage
	}
}

// newLogger writes human-readable lines to w: the AM's stderr is what a
// user reads in the container logs.
func newLogger(c *cli.Context, w io.Writer) (*zap.Logger, error) {
	level, err := zapcore.ParseLevel(c.String("log-level"))
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("--log-level: %v", err), exitUsage)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	enc.EncodeLevel = zapcore.CapitalLevelEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(zapcore.AddSync(w)), level)
	return zap.New(core).Named("appmaster"), nil
}

// clients are what every AM subcommand talks through.
type clients struct {
	rm   *appmaster.AMRMClient
	nm   *appmaster.NMClient
	host string
	hb   appmaster.HeartbeatConfig
}

func (cl clients) close() {
	cl.rm.Close()
	cl.nm.Close()
}

// newClients builds the RM and NM clients from the container environment.
func newClients(c *cli.Context, e env, log *zap.Logger) (clients, error) {
	cfg, err := appmaster.ConfigFromEnv(e.getenv)
	if err != nil {
		return clients{}, cli.Exit(fmt.Sprintf("not in an AM container? %v", err), exitUsage)
	}
	hb := appmaster.DefaultHeartbeatConfig()
	hb.Interval = c.Duration("heartbeat-interval")
	hb.FastInterval = min(hb.FastInterval, hb.Interval)
	if err := hb.Validate(); err != nil {
		return clients{}, cli.Exit(fmt.Sprintf("--heartbeat-interval: %v", err), exitUsage)
	}
	rm, err := appmaster.NewAMRMClient(cfg, log)
	if err != nil {
		return clients{}, cli.Exit(err.Error(), exitUsage)
	}
	host := e.getenv(api.EnvNMHost)
	if host == "" {
		host, _ = os.Hostname()
	}
	return clients{rm: rm, nm: appmaster.NewNMClient(appmaster.DefaultNMConfig(), log), host: host, hb: hb}, nil
}
