package gosubmit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/client"
	"github.com/goyarn/goyarn/client/goyarn"
)

// Exit statuses of gosubmit.
const (
	ExitSucceeded   = 0   // the application finished SUCCEEDED (and the client-mode driver exited 0)
	ExitFailed      = 1   // the application did not succeed, or the cluster could not be reached
	ExitUsage       = 2   // bad input, found before anything was submitted
	ExitInterrupted = 130 // Ctrl-C (SIGINT) or SIGTERM
)

// Options tune the command tree; the zero value is what the gosubmit binary uses.
type Options struct {
	// Stdout receives the client-mode driver's output and --follow's
	// stream; Stderr the log lines and errors (defaults os.Stdout, os.Stderr).
	Stdout, Stderr io.Writer
	// Now and Location stamp the log lines (defaults time.Now, time.Local).
	Now      func() time.Time
	Location *time.Location
	// Getenv resolves --master yarn ($GOYARN_RM_ADDRESSES); Environ is the
	// environment the client-mode driver inherits (defaults os.Getenv,
	// os.Environ).
	Getenv  func(string) string
	Environ func() []string
	// Executable and LookPath find the appmaster binary (defaults
	// os.Executable and exec.LookPath).
	Executable func() (string, error)
	LookPath   func(string) (string, error)
	// IsTerminal says whether the live progress line may be drawn on w
	// (default: w is an *os.File on a character device).
	IsTerminal func(w io.Writer) bool
	// ClientOptions are the base options of the REST client; the flags
	// fill in User, AuthToken, FailoverWait and OnWait.
	ClientOptions client.Options
	// DriverStartTimeout bounds how long a client-mode driver may take to
	// write its DriverInfo (default 100 s, Spark's spark.yarn.am.waitTime).
	DriverStartTimeout time.Duration
	// DriverStopGrace is how long a driver gets between SIGTERM and SIGKILL
	// (default 10 s).
	DriverStopGrace time.Duration
	// FinalStateWait bounds the wait for the application's final state
	// once the client-mode driver has exited (default 60 s); past it the
	// application is killed.
	FinalStateWait time.Duration
	// DriverExitWait bounds the wait for the client-mode driver to exit
	// once the application has finished (default protocol.AckTimeout + 10 s).
	DriverExitWait time.Duration
	// ReportGiveUp is how long the RMs may stay unreachable while
	// gosubmit waits for an application before it gives up (default 5 min).
	ReportGiveUp time.Duration
	// TempDir holds the client-mode driver's info file (default os.TempDir()).
	TempDir string
	// NewSecret makes the application's shared secret (protocol.EnvSecret;
	// default: 32 random bytes, hex).
	NewSecret func() string
}

func (o *Options) setDefaults() {
	if o.NewSecret == nil {
		o.NewSecret = randomSecret
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Environ == nil {
		o.Environ = os.Environ
	}
	if o.Executable == nil {
		o.Executable = os.Executable
	}
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
	if o.IsTerminal == nil {
		o.IsTerminal = isCharDevice
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.DriverStartTimeout, 100*time.Second)
	def(&o.DriverStopGrace, 10*time.Second)
	def(&o.FinalStateWait, 60*time.Second)
	def(&o.DriverExitWait, protocol.AckTimeout+10*time.Second)
	def(&o.ReportGiveUp, 5*time.Minute)
}

// isCharDevice reports whether w is a terminal (a character device).
func isCharDevice(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// NewApp returns the gosubmit command with default options.
func NewApp() *cli.App { return New(Options{}) }

// New returns the gosubmit command. Errors are printed to App.ErrWriter by
// the app itself; Run returns them with their exit status (ExitCode).
func New(o Options) *cli.App {
	o.setDefaults()
	return newApp(&o, func(c *cli.Context) error { return run(c, &o) })
}

// newApp builds the command around action (tests pass their own).
func newApp(o *Options, action cli.ActionFunc) *cli.App {
	app := &cli.App{
		Name:  "gosubmit",
		Usage: "run a program on a goyarn cluster, as spark-submit runs one on YARN",
		UsageText: "gosubmit [options] <application binary> [application arguments]\n\n" +
			"Options end at the binary: everything after it is passed to the application.",
		Writer:                    o.Stdout,
		ErrWriter:                 o.Stderr,
		Flags:                     flags(),
		Action:                    action,
		HideVersion:               true,
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true, // --conf values may hold commas; --files is split by us
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usage("%v", err)
		},
	}
	app.ExitErrHandler = func(_ *cli.Context, err error) {
		if err == nil {
			return
		}
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(app.ErrWriter, msg)
		}
	}
	return app
}

// Main runs the gosubmit command line and returns the process exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return ExitCode(New(Options{Stdout: stdout, Stderr: stderr}).RunContext(ctx, args))
}

// ExitCode is the process exit status for an error Run returned.
func ExitCode(err error) int { return goyarn.ExitCode(err) }

// exitError is an error with an exit status; an empty message prints nothing.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) ExitCode() int { return e.code }

// usage is bad input: one line, as spark-submit's "Error: …".
func usage(format string, args ...any) error {
	return &exitError{code: ExitUsage, msg: "Error: " + fmt.Sprintf(format, args...)}
}

// failed ends the run with status code; the reason was already printed.
func failed(code int) error { return &exitError{code: code} }

// repeated collects the values of a repeatable flag in order, unsplit; the
// same list can back two names (--conf and -c).
type repeated struct{ values []string }

func (r *repeated) Set(v string) error { r.values = append(r.values, v); return nil }
func (r *repeated) String() string     { return "" }

func flags() []cli.Flag {
	conf := &repeated{}
	return []cli.Flag{
		&cli.StringFlag{Name: "master", Value: "yarn", Usage: "yarn (the RMs in $" + client.EnvRMAddresses + ", else the cluster layout's (conf/goyarn.yaml), else " +
			client.DefaultRMAddress + ") or goyarn://h1:8088,h2:8088; yarn-client and yarn-cluster are accepted too"},
		&cli.StringFlag{Name: "deploy-mode", Usage: "client (the driver runs here) or cluster (it runs in the ApplicationMaster)", DefaultText: "client"},
		&cli.StringFlag{Name: "name", Usage: "application name", DefaultText: "the binary's name"},
		&cli.StringFlag{Name: "queue", Usage: "queue to submit to", DefaultText: "default"},
		&cli.StringFlag{Name: "driver-memory", Usage: "memory of the driver, e.g. 512m, 2g", DefaultText: "1g"},
		&cli.IntFlag{Name: "driver-cores", Usage: "cores of the driver, cluster mode", DefaultText: "1"},
		&cli.StringFlag{Name: "executor-memory", Usage: "memory of each executor, e.g. 512m, 2g", DefaultText: "1g"},
		&cli.IntFlag{Name: "executor-cores", Usage: "cores of each executor", DefaultText: "1"},
		&cli.IntFlag{Name: "num-executors", Usage: "number of executors", DefaultText: "2"},
		&cli.IntFlag{Name: "total-executor-cores", Usage: "cores of all executors; sets the executor count when --num-executors is absent", DefaultText: "none"},
		&cli.GenericFlag{Name: "conf", Value: conf, Usage: "key=value configuration (repeatable; also -c)"},
		&cli.GenericFlag{Name: "c", Value: conf, Hidden: true},
		&cli.StringSliceFlag{Name: "files", Usage: "comma-separated files (path[#name]) placed in the work dir of the driver and of each executor"},
		&cli.StringFlag{Name: "image", Usage: "container image of the executors"},
		&cli.IntFlag{Name: "max-attempts", Usage: "attempts of the application master", DefaultText: "the cluster's"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print the parsed arguments and the AM command"},
		&cli.BoolFlag{Name: "no-wait", Usage: "cluster mode: exit once the application is submitted"},
		&cli.BoolFlag{Name: "follow", Usage: "cluster mode: stream the driver's output here while waiting"},
		&cli.StringFlag{Name: "staging-dir", EnvVars: []string{goyarn.EnvStagingDir},
			Usage: "where files are staged for the NodeManagers: file:///dir, s3://bucket/prefix or a directory", DefaultText: "the cluster layout's staging"},
		&cli.StringFlag{Name: "appmaster-binary", Usage: "the appmaster to stage", DefaultText: "next to gosubmit, else on PATH"},
		&cli.StringFlag{Name: "user", Usage: "user name sent to the cluster", DefaultText: "$USER"},
		&cli.StringFlag{Name: "auth-token-file", EnvVars: []string{goyarn.EnvAuthTokenFile},
			Usage: "file holding the bearer token for writes (else $" + goyarn.EnvAuthToken + ")"},
		&cli.StringFlag{Name: "auth-token", EnvVars: []string{goyarn.EnvAuthToken}, Hidden: true},
		&cli.DurationFlag{Name: "failover-wait", Value: 30 * time.Second, EnvVars: []string{goyarn.EnvFailoverWait},
			Usage: "how long to keep trying while no ResourceManager answers as active"},
	}
}

// newClient connects the REST client the flags describe; con is told when
// the client waits for an active RM.
func newClient(sp *spec, o *Options, con *console) (*client.Client, error) {
	copts := o.ClientOptions
	copts.User = sp.user
	copts.AuthToken = sp.token
	if sp.failoverWaitSet || copts.FailoverWait == 0 {
		copts.FailoverWait = sp.failoverWait
		if copts.FailoverWait == 0 {
			copts.FailoverWait = -1
		}
	}
	copts.OnWait = func(msg string) { con.waiting(msg) }
	return client.New(sp.addrs(), copts)
}

// remoteError reports a failed call to the cluster in one line; what says
// what could not be done.
func remoteError(con *console, what string, err error) error {
	if errors.Is(err, context.Canceled) {
		con.warnf("Interrupted: %s", what)
		return failed(ExitInterrupted)
	}
	con.errorf("%s: %s", what, client.Message(err))
	return failed(ExitFailed)
}

// randomSecret is 32 random bytes, hex-encoded.
func randomSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on Linux
	}
	return hex.EncodeToString(b)
}
