package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Config is what a shell runs with; the zero value of each field means the
// process's own (os.Stdin, os.Environ(), the working directory, time.Now…).
type Config struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            []string // KEY=VALUE
	Dir            string
	Now            func() time.Time
	Hostname       func() (string, error)
	// Handle makes the shell handle process signals (see the package doc);
	// only a shell that is its process's main program should.
	Handle bool
	// Self is the path of this shell's binary, used to run a script file
	// that has no #! line; "" means os.Executable.
	Self string
}

// Shell is one shell run: Main parses the arguments and runs them once.
type Shell struct {
	cfg    Config
	name   string // for messages: goyarn-sh
	runner *interp.Runner
	cancel context.CancelCauseFunc
	sig    *signals
	mu     sync.Mutex // guards children; held while a command starts
	kids   map[*os.Process]struct{}
}

// usage is printed on a bad invocation.
const usage = "usage: goyarn-sh [-euxfna] [-o option] [-c command [name [arg ...]] | -s [arg ...] | script [arg ...]]"

// Main runs a shell invocation (args without the program name) and returns
// its exit status.
func Main(args []string, cfg Config) int {
	s := &Shell{cfg: withDefaults(cfg), name: "goyarn-sh", kids: map[*os.Process]struct{}{}}
	return s.main(args)
}

func withDefaults(c Config) Config {
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	if c.Env == nil {
		c.Env = os.Environ()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Hostname == nil {
		c.Hostname = os.Hostname
	}
	return c
}

// invocation is a parsed command line.
type invocation struct {
	opts    []string // for interp.Params, e.g. "-e", "-o", "pipefail"
	command *string  // -c
	script  string   // a script file; "" with command == nil: stdin
	name    string   // $0
	params  []string // $1…
}

func parseArgs(args []string) (invocation, error) {
	var inv invocation
	cmode, smode := false, false
	for len(args) > 0 {
		a := args[0]
		if a == "--" || a == "-" {
			args = args[1:]
			break
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		args = args[1:]
		for _, f := range a[1:] {
			switch {
			case f == 'c' && a[0] == '-':
				cmode = true
			case f == 's' && a[0] == '-':
				smode = true
			case f == 'o':
				if len(args) == 0 {
					return inv, fmt.Errorf("%s: option requires an argument", a)
				}
				inv.opts = append(inv.opts, string(a[0])+"o", args[0])
				args = args[1:]
			case strings.ContainsRune("euxfna", f):
				inv.opts = append(inv.opts, string(a[0])+string(f))
			default:
				return inv, fmt.Errorf("-%c: invalid option", f)
			}
		}
	}
	switch {
	case cmode:
		if len(args) == 0 {
			return inv, errors.New("-c: option requires an argument")
		}
		inv.command, inv.name, args = &args[0], "goyarn-sh", args[1:]
		if len(args) > 0 {
			inv.name, args = args[0], args[1:]
		}
	case len(args) > 0 && !smode:
		inv.script, inv.name, args = args[0], args[0], args[1:]
	default:
		inv.name = "goyarn-sh"
	}
	inv.params = args
	return inv, nil
}

func (s *Shell) main(args []string) int {
	inv, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(s.cfg.Stderr, "%s: %v\n%s\n", s.name, err, usage)
		return 2
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	s.cancel = cancel
	s.sig = newSignals(s, s.cfg.Handle)
	defer s.sig.stop()

	var src io.Reader
	switch {
	case inv.command != nil:
		src = strings.NewReader(*inv.command)
	case inv.script != "":
		f, err := os.Open(inv.script)
		if err != nil {
			fmt.Fprintf(s.cfg.Stderr, "%s: %v\n", s.name, err)
			return 127
		}
		defer f.Close()
		src = f
	default:
		src = s.cfg.Stdin
	}
	file, err := syntax.NewParser().Parse(src, inv.name)
	if err != nil {
		fmt.Fprintf(s.cfg.Stderr, "%s: %v\n", s.name, err)
		return 2
	}
	params := append(append([]string{}, inv.opts...), "--")
	r, err := interp.New(
		interp.Env(expand.ListEnviron(s.cfg.Env...)),
		interp.Dir(s.cfg.Dir),
		interp.StdIO(s.cfg.Stdin, s.cfg.Stdout, s.cfg.Stderr),
		interp.Params(append(params, inv.params...)...),
		interp.CallHandler(s.call),
		interp.ExecHandlers(s.execMiddleware),
	)
	if err != nil {
		fmt.Fprintf(s.cfg.Stderr, "%s: %v\n", s.name, err)
		return 2
	}
	s.runner = r
	err = r.Run(ctx, file)
	if code, ok := s.exitCause(ctx); ok {
		return code
	}
	if code, ok := s.runPendingTraps(ctx); ok { // a signal that came with the last command
		return code
	}
	return s.status(err)
}

// status turns a Run error into an exit status.
func (s *Shell) status(err error) int {
	if err == nil {
		return 0
	}
	if code, ok := interp.IsExitStatus(err); ok {
		return int(code)
	}
	fmt.Fprintf(s.cfg.Stderr, "%s: %v\n", s.name, err)
	return 1
}

// exitError is the cause the run context is cancelled with when the shell
// must end: a signal with the default action, or `exit` in a trap action.
type exitError struct{ code int }

func (e exitError) Error() string { return "exit " + strconv.Itoa(e.code) }

func (s *Shell) exitCause(ctx context.Context) (int, bool) {
	var e exitError
	if errors.As(context.Cause(ctx), &e) {
		return e.code, true
	}
	return 0, false
}

// exit ends the shell with code at the next statement.
func (s *Shell) exit(code int) { s.cancel(exitError{code}) }

// call runs before every simple command: pending trap actions first, then
// the command, with `trap` on signals handled here.
func (s *Shell) call(ctx context.Context, args []string) ([]string, error) {
	if code, ok := s.runPendingTraps(ctx); ok {
		return []string{"exit", strconv.Itoa(code)}, nil
	}
	if args[0] == "trap" {
		return s.trap(ctx, args[1:]), nil
	}
	return args, nil
}

// runPendingTraps runs the actions of trapped signals that arrived, each in
// a subshell; ok reports that one called exit, with its code.
func (s *Shell) runPendingTraps(ctx context.Context) (code int, ok bool) {
	for _, action := range s.sig.takePending() {
		file, err := syntax.NewParser().Parse(strings.NewReader(action), "trap")
		if err != nil {
			fmt.Fprintf(s.cfg.Stderr, "%s: trap: %v\n", s.name, err)
			continue
		}
		sub := s.runner.Subshell()
		err = sub.Run(ctx, file)
		if sub.Exited() {
			return s.status(err), true
		}
	}
	return 0, false
}
