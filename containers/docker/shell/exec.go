package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// execMiddleware runs every command that is not an interpreter builtin or a
// function: one of this package's builtins for a bare name, else a program.
// It never calls next: the shell tracks its programs itself, to pass signals
// on and to wait for them rather than kill them when it ends.
func (s *Shell) execMiddleware(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		hc := interp.HandlerCtx(ctx)
		err := s.runCommand(ctx, hc, execEnv(hc.Env), args)
		if code, ok := s.runPendingTraps(ctx); ok {
			s.exit(code)
		}
		return err
	}
}

// runCommand runs args with env: a builtin, or a program found in PATH.
func (s *Shell) runCommand(ctx context.Context, hc interp.HandlerContext, env []string, args []string) error {
	if b := builtin(args[0]); b != nil {
		c := &call{s: s, ctx: ctx, hc: hc, env: env, name: args[0], args: args[1:]}
		if err := b(c); err != nil {
			return err
		}
		return c.result()
	}
	return s.external(ctx, hc, env, args)
}

// execEnv is the exported environment of the interpreter, the last value of
// each name winning, sorted.
func execEnv(env expand.Environ) []string {
	vals := map[string]string{}
	env.Each(func(name string, vr expand.Variable) bool {
		if !vr.IsSet() {
			delete(vals, name)
		} else if vr.Exported && vr.Kind == expand.String {
			vals[name] = vr.String()
		}
		return true
	})
	list := make([]string, 0, len(vals))
	for k, v := range vals {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// errEnding: the shell is ending and starts no more commands.
var errEnding = errors.New("shell is ending")

// external runs a program and waits for it, whatever happens to the shell:
// a signal the shell gets with its default action is passed on to the
// program instead, so the program decides when it ends.
func (s *Shell) external(ctx context.Context, hc interp.HandlerContext, env []string, args []string) error {
	path, err := interp.LookPathDir(hc.Dir, expand.ListEnviron(env...), args[0])
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s: %s: not found\n", s.name, args[0])
		return interp.ExitStatus(127)
	}
	cmd, err := s.start(ctx, func() *exec.Cmd { return s.command(hc, env, path, args) })
	if errors.Is(err, syscall.ENOEXEC) { // a script without #!: run it with this shell
		self := s.cfg.Self
		if self == "" {
			self, _ = os.Executable()
		}
		cmd, err = s.start(ctx, func() *exec.Cmd { return s.command(hc, env, self, append([]string{self, path}, args[1:]...)) })
	}
	switch {
	case errors.Is(err, errEnding):
		return interp.ExitStatus(1)
	case err != nil:
		fmt.Fprintf(hc.Stderr, "%s: %s: %v\n", s.name, args[0], unwrapPath(err))
		return interp.ExitStatus(126)
	}
	err = cmd.Wait()
	s.forget(cmd.Process)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return interp.ExitStatus(128 + uint8(ws.Signal()))
		}
		return interp.ExitStatus(uint8(exitErr.ExitCode()))
	}
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s: %s: %v\n", s.name, args[0], err)
		return interp.ExitStatus(1)
	}
	return nil
}

func (s *Shell) command(hc interp.HandlerContext, env []string, path string, args []string) *exec.Cmd {
	cmd := &exec.Cmd{Path: path, Args: args, Env: env, Dir: hc.Dir, Stdout: hc.Stdout, Stderr: hc.Stderr}
	if f, ok := hc.Stdin.(*os.File); !ok || f != nil {
		cmd.Stdin = hc.Stdin
	}
	return cmd
}

// start starts the command mk makes and records its process, unless the
// shell is ending. The lock makes a signal being passed on either reach the
// program or stop it from starting.
func (s *Shell) start(ctx context.Context, mk func() *exec.Cmd) (*exec.Cmd, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctx.Err() != nil {
		return nil, errEnding
	}
	cmd := mk()
	err := cmd.Start()
	// A file just written by a concurrent fork may still be open for writing
	// in the child before its exec (ETXTBSY, go.dev/issue/22315): retry.
	for delay := time.Millisecond; errors.Is(err, syscall.ETXTBSY) && delay < 300*time.Millisecond; delay *= 2 {
		time.Sleep(delay)
		cmd = mk()
		err = cmd.Start()
	}
	if err == nil {
		s.kids[cmd.Process] = struct{}{}
	}
	return cmd, err
}

func (s *Shell) forget(p *os.Process) {
	s.mu.Lock()
	delete(s.kids, p)
	s.mu.Unlock()
}

// passOn sends sig to every running program and then ends the shell with
// 128+sig, under the lock that start takes.
func (s *Shell) passOn(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.kids {
		_ = p.Signal(sig)
	}
	s.exit(128 + int(sig))
}

// unwrapPath strips the operation and path of an *os.PathError.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var ee *exec.Error
	if errors.As(err, &ee) {
		return unwrapPath(ee.Err)
	}
	return err
}

// stdinOf is the handler's stdin, or an empty reader.
func stdinOf(hc interp.HandlerContext) io.Reader {
	if f, ok := hc.Stdin.(*os.File); hc.Stdin == nil || (ok && f == nil) {
		return eofReader{}
	}
	return hc.Stdin
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
