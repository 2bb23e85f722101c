package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// builtin returns the builtin named name, nil when there is none. Builtins
// are the commands a scratch image lacks, run in the shell's process. A
// builtin returns an error only to stop the shell; its exit status is
// call.status.
func builtin(name string) func(*call) error {
	switch name {
	case "sleep":
		return sleepCmd
	case "cat":
		return catCmd
	case "env":
		return envCmd
	case "hostname":
		return hostnameCmd
	case "date":
		return dateCmd
	case "ls":
		return lsCmd
	case "mkdir":
		return mkdirCmd
	case "rm":
		return rmCmd
	case "head":
		return headCmd
	case "tail":
		return tailCmd
	case "wc":
		return wcCmd
	}
	return nil
}

// call is one run of a builtin.
type call struct {
	s      *Shell
	ctx    context.Context
	hc     interp.HandlerContext
	env    []string
	name   string
	args   []string
	status int
}

// errorf reports a failure on stderr and sets the status to 1.
func (c *call) errorf(format string, args ...any) {
	fmt.Fprintf(c.hc.Stderr, c.name+": "+format+"\n", args...)
	c.status = 1
}

// usagef reports bad usage (status 2).
func (c *call) usagef(format string, args ...any) {
	c.errorf(format, args...)
	c.status = 2
}

func (c *call) result() error {
	if c.status != 0 {
		return interp.ExitStatus(uint8(c.status))
	}
	return nil
}

// path resolves p against the shell's current directory.
func (c *call) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.hc.Dir, p)
}

// fileErr reports a failed operation on name.
func (c *call) fileErr(name string, err error) {
	c.errorf("%s: %v", name, unwrapPath(err))
}

// flags parses leading options: bools are single-letter flags, valued take
// an argument (-n5 or -n 5). "--" ends them; "-" is an operand.
func (c *call) flags(bools, valued string) (map[rune]string, []string, bool) {
	set := map[rune]string{}
	args := c.args
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for i, f := range a[1:] {
			switch {
			case strings.ContainsRune(bools, f):
				set[f] = "true"
			case strings.ContainsRune(valued, f):
				if v := a[2+i:]; v != "" {
					set[f] = v
				} else if len(args) > 0 {
					set[f], args = args[0], args[1:]
				} else {
					c.usagef("option requires an argument -- '%c'", f)
					return nil, nil, false
				}
			default:
				c.usagef("invalid option -- '%c'", f)
				return nil, nil, false
			}
			if strings.ContainsRune(valued, f) {
				break
			}
		}
	}
	return set, args, true
}

// interruptible waits for d, the context, or a signal; it returns the
// status a signal or the shell's end leaves (0 when d passed).
func (c *call) interruptible(d time.Duration) int {
	woken := c.s.sig.woken()
	if c.s.sig.hasPending() { // arrived since the last command boundary
		return 128 + int(c.s.sig.lastSignal())
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return 0
	case <-c.ctx.Done():
		return 128 + int(c.s.sig.lastSignal())
	case <-woken:
		return 128 + int(c.s.sig.lastSignal())
	}
}

// sleep NUMBER[smhd]…: the sum of its operands; a signal interrupts it.
func sleepCmd(c *call) error {
	if len(c.args) == 0 {
		c.usagef("missing operand")
		return nil
	}
	var total time.Duration
	for _, a := range c.args {
		d, err := parseSleep(a)
		if err != nil {
			c.usagef("invalid time interval '%s'", a)
			return nil
		}
		total += d
	}
	c.status = c.interruptible(total)
	return nil
}

func parseSleep(a string) (time.Duration, error) {
	unit := time.Second
	switch {
	case strings.HasSuffix(a, "s"):
		a = a[:len(a)-1]
	case strings.HasSuffix(a, "m"):
		a, unit = a[:len(a)-1], time.Minute
	case strings.HasSuffix(a, "h"):
		a, unit = a[:len(a)-1], time.Hour
	case strings.HasSuffix(a, "d"):
		a, unit = a[:len(a)-1], 24*time.Hour
	}
	f, err := strconv.ParseFloat(a, 64)
	if err != nil || f < 0 || f > float64(1<<62)/float64(unit) {
		return 0, errors.New("bad interval")
	}
	return time.Duration(f * float64(unit)), nil
}

// openInput opens an operand; "-" is stdin.
func (c *call) openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdinOf(c.hc)), nil
	}
	return os.Open(c.path(name))
}

// cat [FILE]…: concatenates files ("-" or none: stdin) to stdout.
func catCmd(c *call) error {
	_, args, ok := c.flags("u", "")
	if !ok {
		return nil
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, name := range args {
		f, err := c.openInput(name)
		if err != nil {
			c.fileErr(name, err)
			continue
		}
		_, err = io.Copy(c.hc.Stdout, f)
		f.Close()
		if err != nil {
			c.fileErr(name, err)
		}
	}
	return nil
}

// env [-i] [-u NAME]… [NAME=VALUE]… [COMMAND [ARG]…]: prints the
// environment, or runs COMMAND (a builtin or a program) with it changed.
func envCmd(c *call) error {
	args := c.args
	clearEnv := false
	unset := map[string]bool{}
opts:
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "-i" || a == "-":
			clearEnv, args = true, args[1:]
		case a == "-u" && len(args) > 1:
			unset[args[1]], args = true, args[2:]
		case a == "--":
			args = args[1:]
			break opts
		case strings.HasPrefix(a, "-"):
			c.usagef("invalid option '%s'", a)
			return nil
		default:
			break opts
		}
	}
	vals, order := map[string]string{}, []string{}
	put := func(k, v string) {
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = v
	}
	if !clearEnv {
		for _, kv := range c.env {
			if k, v, ok := strings.Cut(kv, "="); ok && !unset[k] {
				put(k, v)
			}
		}
	}
	for len(args) > 0 && strings.Contains(args[0], "=") && !strings.HasPrefix(args[0], "=") {
		k, v, _ := strings.Cut(args[0], "=")
		put(k, v)
		args = args[1:]
	}
	env := make([]string, 0, len(order))
	for _, k := range order {
		env = append(env, k+"="+vals[k])
	}
	if len(args) == 0 {
		for _, kv := range env {
			fmt.Fprintln(c.hc.Stdout, kv)
		}
		return nil
	}
	err := c.s.runCommand(c.ctx, c.hc, env, args)
	if code, ok := interp.IsExitStatus(err); ok {
		c.status = int(code)
		return nil
	}
	return err
}

// hostname: prints the host name.
func hostnameCmd(c *call) error {
	if len(c.args) > 0 {
		c.usagef("setting the host name is not supported")
		return nil
	}
	name, err := c.s.cfg.Hostname()
	if err != nil {
		c.errorf("%v", err)
		return nil
	}
	fmt.Fprintln(c.hc.Stdout, name)
	return nil
}

// date [-u] [-d @SECONDS] [+FORMAT]: prints the time (strftime format).
func dateCmd(c *call) error {
	set, args, ok := c.flags("uR", "d")
	if !ok {
		return nil
	}
	now := c.s.cfg.Now()
	if d, has := set['d']; has {
		secs, err := strconv.ParseInt(strings.TrimPrefix(d, "@"), 10, 64)
		if err != nil || !strings.HasPrefix(d, "@") {
			c.usagef("invalid date '%s' (only @SECONDS)", d)
			return nil
		}
		now = time.Unix(secs, 0)
	}
	if set['u'] != "" {
		now = now.UTC()
	}
	format := "%a %b %e %H:%M:%S %Z %Y"
	if set['R'] != "" {
		format = "%a, %d %b %Y %H:%M:%S %z"
	}
	switch {
	case len(args) == 1 && strings.HasPrefix(args[0], "+"):
		format = args[0][1:]
	case len(args) > 0:
		c.usagef("extra operand '%s'", args[0])
		return nil
	}
	fmt.Fprintln(c.hc.Stdout, strftime(format, now))
	return nil
}
