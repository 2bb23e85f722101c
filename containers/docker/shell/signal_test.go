package shell

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// shellBin is goyarn-sh built for the tests that need a real process.
var shellBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "goyarn-sh-test-")
	if err == nil {
		shellBin = filepath.Join(dir, "goyarn-sh")
		cmd := exec.Command("go", "build", "-o", shellBin, "github.com/goyarn/goyarn/cmd/goyarn-sh")
		if out, berr := cmd.CombinedOutput(); berr != nil {
			err = fmt.Errorf("%w: %s", berr, out)
		}
	}
	if err != nil {
		fmt.Println("building goyarn-sh:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Println("goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func buildShell(*testing.T) string { return shellBin }

// startShell runs goyarn-sh -c script and waits until it printed "ready".
func startShell(t *testing.T, script string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, shellBin, "-c", script)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.Dir = t.TempDir()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	r := bufio.NewReader(out)
	if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("first line %q, %v; want ready", line, err)
	}
	return cmd, r
}

// finish signals the shell and returns its exit code and remaining output.
func finish(t *testing.T, cmd *exec.Cmd, r *bufio.Reader, sig syscall.Signal) (int, string) {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	_, _ = bufio.NewReader(r).WriteTo(&rest)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), rest.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, rest.String()
}

func TestSignals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		sig    syscall.Signal
		code   int
		out    string
	}{
		{name: "TERM ends a builtin sleep", script: "echo ready; sleep 30; echo not-here", sig: syscall.SIGTERM, code: 143},
		{name: "INT too", script: "echo ready; sleep 30", sig: syscall.SIGINT, code: 130},
		{name: "TERM is passed on to a program, which decides when it ends",
			script: shellBinQuoted() + ` -c 'trap "echo child-cleanup; exit 0" TERM; echo ready; sleep 30'; echo not-here`,
			sig:    syscall.SIGTERM, code: 143, out: "child-cleanup\n"},
		{name: "trapped TERM runs its action", script: "trap 'echo caught; exit 7' TERM; echo ready; sleep 30; echo not-here",
			sig: syscall.SIGTERM, code: 7, out: "caught\n"},
		// The action runs at the next command boundary, or at once in a
		// builtin sleep; either way the script goes on.
		{name: "trap action without exit carries on",
			script: "trap 'echo caught; : > flag' USR1; echo ready; until [ -e flag ]; do sleep 0.05; done; echo after",
			sig:    syscall.SIGUSR1, code: 0, out: "caught\nafter\n"},
		{name: "ignored TERM", script: "trap '' TERM; echo ready; sleep 0.5; echo survived", sig: syscall.SIGTERM, out: "survived\n"},
		{name: "trapped then reset", script: "trap 'echo x' TERM; trap - TERM; echo ready; sleep 30", sig: syscall.SIGTERM, code: 143},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, r := startShell(t, tc.script)
			code, out := finish(t, cmd, r, tc.sig)
			if code != tc.code || out != tc.out {
				t.Errorf("exit %d, output %q; want %d, %q", code, out, tc.code, tc.out)
			}
		})
	}
}

func shellBinQuoted() string { return "'" + strings.ReplaceAll(shellBin, "'", `'\''`) + "'" }
