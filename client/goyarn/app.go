package goyarn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/client"
)

// Environment variables the global flags read.
const (
	EnvAuthTokenFile = "GOYARN_AUTH_TOKEN_FILE"
	EnvAuthToken     = "GOYARN_AUTH_TOKEN"
	EnvFailoverWait  = "GOYARN_FAILOVER_WAIT"
	EnvStagingDir    = "GOYARN_STAGING_DIR"
)

// exitFailure is yarn's -1 as a process exit status.
const exitFailure = 255

// Options tune the command tree; the zero value is what the goyarn binary uses.
type Options struct {
	// Stdout and Stderr receive the commands' output (default os.Stdout,
	// os.Stderr). App.Writer and App.ErrWriter may also be set afterwards.
	Stdout, Stderr io.Writer
	// Location is the time zone of printed times (default time.Local).
	Location *time.Location
	// PollInterval is the pause between application reports of `shell`
	// (default 1 s).
	PollInterval time.Duration
	// Executable and LookPath find the appmaster binary (defaults
	// os.Executable and exec.LookPath).
	Executable func() (string, error)
	LookPath   func(string) (string, error)
	// ClientOptions are the base options of every REST client; the global
	// flags fill in User, AuthToken and FailoverWait.
	ClientOptions client.Options
}

func (o *Options) setDefaults() {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Executable == nil {
		o.Executable = os.Executable
	}
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
}

// NewApp returns the goyarn command tree with default options.
func NewApp() *cli.App { return New(Options{}) }

// New returns the goyarn command tree. Errors are printed to App.ErrWriter
// by the app itself; Run returns them with their exit code (ExitCode).
func New(o Options) *cli.App {
	o.setDefaults()
	app := &cli.App{
		Name:  "goyarn",
		Usage: "talk to a goyarn cluster as the yarn command does",
		UsageText: "goyarn [global options] command [command options]\n\n" +
			"Command options take one dash or two, as yarn's do: goyarn application -list -appStates ALL",
		Writer:    o.Stdout,
		ErrWriter: o.Stderr,
		Flags:     globalFlags(),
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError("goyarn", err)
		},
		HideVersion: true,
	}
	app.ExitErrHandler = func(_ *cli.Context, err error) {
		if err == nil {
			return
		}
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(app.ErrWriter, msg)
		}
	}
	app.Commands = []*cli.Command{
		applicationCommand(&o), attemptCommand(&o), containerCommand(&o),
		nodeCommand(&o), logsCommand(&o), rmadminCommand(&o), shellCommand(&o), getconfCommand(&o),
	}
	for _, c := range app.Commands {
		name := c.Name
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usageError("goyarn "+name, err) }
	}
	return app
}

// Main runs the goyarn command line and returns the process exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return ExitCode(New(Options{Stdout: stdout, Stderr: stderr}).RunContext(ctx, args))
}

// ExitCode is the process exit status for an error Run returned: 0 for
// nil, the code of a cli.ExitCoder, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return 1
}

// exitError is an error with an exit status; an empty message prints nothing.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) ExitCode() int { return e.code }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

func usageError(cmd string, err error) error {
	return fail(exitFailure, "Incorrect Usage: %v (see '%s --help')", err, cmd)
}

func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "master", Value: "yarn", EnvVars: []string{client.EnvRMAddresses},
			Usage: "the ResourceManagers' web addresses: h1:8088,h2:8088, goyarn://h1:8088,h2:8088 or rm1=h1:8088,rm2=h2:8088; " +
				"'yarn' reads $" + client.EnvRMAddresses + ", else the cluster layout (conf/goyarn.yaml), else " + client.DefaultRMAddress},
		&cli.StringFlag{Name: "user", Usage: "user name sent to the cluster (default: $USER)"},
		&cli.StringFlag{Name: "auth-token-file", EnvVars: []string{EnvAuthTokenFile},
			Usage: "file holding the bearer token for writes (else $" + EnvAuthToken + ")"},
		&cli.StringFlag{Name: "auth-token", EnvVars: []string{EnvAuthToken}, Hidden: true},
		&cli.DurationFlag{Name: "failover-wait", Value: 30 * time.Second, EnvVars: []string{EnvFailoverWait},
			Usage: "how long to keep trying while no ResourceManager answers as active"},
	}
}

// session is what one command invocation works with.
type session struct {
	opts   *Options
	ctx    context.Context
	out    io.Writer
	errw   io.Writer
	rms    []client.RM
	client *client.Client
	token  string
}

// newSession reads the global flags and connects a REST client.
func newSession(c *cli.Context, o *Options) (*session, error) {
	rms, err := client.ParseRMs(c.String("master"))
	if err != nil {
		return nil, fail(exitFailure, "%v", err)
	}
	token, err := authToken(c)
	if err != nil {
		return nil, fail(exitFailure, "%v", err)
	}
	s := &session{opts: o, ctx: c.Context, out: c.App.Writer, errw: c.App.ErrWriter, rms: rms, token: token}
	copts := o.ClientOptions
	copts.User = c.String("user")
	copts.AuthToken = token
	if c.IsSet("failover-wait") || copts.FailoverWait == 0 {
		copts.FailoverWait = c.Duration("failover-wait")
		if copts.FailoverWait == 0 {
			copts.FailoverWait = -1
		}
	}
	waited := false
	copts.OnWait = func(msg string) {
		if !waited {
			waited = true
			fmt.Fprintln(s.errw, "Waiting for an active ResourceManager among "+rmList(rms)+"…")
		}
	}
	addrs := make([]string, len(rms))
	for i, rm := range rms {
		addrs[i] = rm.Addr
	}
	if s.client, err = client.New(addrs, copts); err != nil {
		return nil, fail(exitFailure, "%v", err)
	}
	return s, nil
}

func (s *session) close() { s.client.Close() }

func (s *session) nodeClient(httpAddress string) (*client.NodeClient, error) {
	return client.NewNodeClient(httpAddress, client.NodeOptions{User: s.client.User(), AuthToken: s.token})
}

func rmList(rms []client.RM) string {
	parts := make([]string, len(rms))
	for i, rm := range rms {
		parts[i] = rm.Addr
	}
	return strings.Join(parts, ", ")
}

// authToken reads --auth-token-file (its first word; '#' lines are
// comments), else $GOYARN_AUTH_TOKEN, else the layout's auth-token-file
// when it is readable (reads need no token).
func authToken(c *cli.Context) (string, error) {
	if path := c.String("auth-token-file"); path != "" {
		return client.ReadAuthToken(path)
	}
	if t := strings.TrimSpace(c.String("auth-token")); t != "" {
		return t, nil
	}
	return client.LayoutAuthToken(os.Getenv), nil
}

// remoteFailure turns a client error into a one-line failure.
func remoteFailure(err error) error {
	if errors.Is(err, context.Canceled) {
		return fail(exitFailure, "interrupted")
	}
	return fail(exitFailure, "%s", client.Message(err))
}
