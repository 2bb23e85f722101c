package shell

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/interp"
)

// trappable are the signals the shell handles and trap can set.
var trappable = map[string]syscall.Signal{
	"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "QUIT": syscall.SIGQUIT, "TERM": syscall.SIGTERM,
	"USR1": syscall.SIGUSR1, "USR2": syscall.SIGUSR2, "ALRM": syscall.SIGALRM,
}

// signals is the shell's signal dispositions and the signals that arrived.
type signals struct {
	sh      *Shell
	handle  bool // process signals are delivered (Config.Handle)
	ch      chan os.Signal
	stopped chan struct{}
	wg      sync.WaitGroup

	mu      sync.Mutex
	actions map[syscall.Signal]string // trapped signals; "" means ignored
	pending []syscall.Signal          // trapped signals that arrived, in order
	wake    chan struct{}             // closed when a signal arrives, then replaced
	last    syscall.Signal            // the last signal that arrived
}

func newSignals(sh *Shell, handle bool) *signals {
	g := &signals{sh: sh, handle: handle, actions: map[syscall.Signal]string{}, wake: make(chan struct{})}
	if handle {
		g.ch, g.stopped = make(chan os.Signal, 16), make(chan struct{})
		for _, sig := range trappable {
			signal.Notify(g.ch, sig)
		}
		g.wg.Add(1)
		go g.loop()
	}
	return g
}

func (g *signals) loop() {
	defer g.wg.Done()
	for {
		select {
		case <-g.stopped:
			return
		case v := <-g.ch:
			if sig, ok := v.(syscall.Signal); ok {
				g.deliver(sig)
			}
		}
	}
}

// stop ends signal handling; signals get their default action again.
func (g *signals) stop() {
	if !g.handle {
		return
	}
	signal.Stop(g.ch)
	for _, sig := range trappable {
		signal.Reset(sig)
	}
	close(g.stopped)
	g.wg.Wait()
}

// deliver acts on a signal that arrived: a trapped one is queued for its
// action; one with the default action is passed on to the running programs
// and ends the shell. Either way blocked builtins wake up.
func (g *signals) deliver(sig syscall.Signal) {
	g.mu.Lock()
	action, trapped := g.actions[sig]
	if trapped && action == "" {
		g.mu.Unlock()
		return
	}
	if trapped && !containsSig(g.pending, sig) {
		g.pending = append(g.pending, sig)
	}
	g.last = sig
	close(g.wake)
	g.wake = make(chan struct{})
	g.mu.Unlock()
	if !trapped {
		g.sh.passOn(sig)
	}
}

func containsSig(list []syscall.Signal, sig syscall.Signal) bool {
	for _, s := range list {
		if s == sig {
			return true
		}
	}
	return false
}

// woken returns a channel closed when the next signal arrives.
func (g *signals) woken() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.wake
}

// hasPending reports trapped signals whose actions have not run yet.
func (g *signals) hasPending() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.pending) > 0
}

// lastSignal is the last signal that arrived.
func (g *signals) lastSignal() syscall.Signal {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last
}

// takePending returns the actions of the trapped signals that arrived (in
// order) and forgets them.
func (g *signals) takePending() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, sig := range g.pending {
		if a := g.actions[sig]; a != "" {
			out = append(out, a)
		}
	}
	g.pending = nil
	return out
}

// set sets sig's disposition: ignore, run action, or (reset) the default.
func (g *signals) set(sig syscall.Signal, action string, reset bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case reset:
		delete(g.actions, sig)
	default:
		g.actions[sig] = action
	}
	if !g.handle {
		return
	}
	if !reset && action == "" {
		signal.Ignore(sig) // inherited by the programs the shell starts
	} else {
		signal.Notify(g.ch, sig)
	}
}

// list writes the traps set on signals, as `trap` prints them.
func (g *signals) list() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	sigs := make([]syscall.Signal, 0, len(g.actions))
	for sig := range g.actions {
		sigs = append(sigs, sig)
	}
	sort.Slice(sigs, func(i, j int) bool { return sigs[i] < sigs[j] })
	var b strings.Builder
	for _, sig := range sigs {
		fmt.Fprintf(&b, "trap -- %s %s\n", quote(g.actions[sig]), signalName(sig))
	}
	return b.String()
}

func signalName(sig syscall.Signal) string {
	for name, s := range trappable {
		if s == sig {
			return name
		}
	}
	return strconv.Itoa(int(sig))
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// condition parses a trap condition: a signal this shell handles, or a
// condition left to the interpreter (EXIT, ERR).
func condition(arg string) (sig syscall.Signal, interpCond string, err error) {
	name := strings.ToUpper(strings.TrimPrefix(strings.ToUpper(arg), "SIG"))
	if n, convErr := strconv.Atoi(arg); convErr == nil {
		if n == 0 {
			return 0, "EXIT", nil
		}
		name = signalName(syscall.Signal(n))
	}
	switch name {
	case "EXIT", "ERR":
		return 0, name, nil
	case "KILL", "STOP", "9", "19":
		return 0, "", fmt.Errorf("%s: cannot be trapped", arg)
	}
	if sig, ok := trappable[name]; ok {
		return sig, "", nil
	}
	return 0, "", fmt.Errorf("%s: invalid or unsupported signal specification", arg)
}

// trap handles the trap builtin for signals and hands EXIT and ERR on to
// the interpreter; it returns the command the interpreter runs instead.
func (s *Shell) trap(ctx context.Context, args []string) []string {
	hc := interp.HandlerCtx(ctx)
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 || (len(args) == 1 && args[0] == "-p") {
		fmt.Fprint(hc.Stdout, s.sig.list())
		return []string{"trap"}
	}
	if strings.HasPrefix(args[0], "-") && args[0] != "-" {
		return []string{"trap", args[0]} // the interpreter reports the option
	}
	action, conds, reset := args[0], args[1:], args[0] == "-"
	if _, err := strconv.Atoi(args[0]); err == nil || len(args) == 1 {
		conds, reset = args, true // `trap n…` and `trap SIG` reset
	}
	var rest []string
	failed := false
	for _, arg := range conds {
		sig, other, err := condition(arg)
		switch {
		case err != nil:
			fmt.Fprintf(hc.Stderr, "%s: trap: %v\n", s.name, err)
			failed = true
		case other != "":
			rest = append(rest, other)
		default:
			s.sig.set(sig, action, reset)
		}
	}
	switch {
	case len(rest) > 0 && reset:
		return append([]string{"trap", "-"}, rest...)
	case len(rest) > 0:
		return append([]string{"trap", action}, rest...)
	case failed:
		return []string{"false"}
	}
	return []string{":"}
}
