package netsim

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

// The test binary doubles as the programs the tests run on hosts:
// `netsim.test netsim-helper <mode> <args…>`.
const helperArg = "netsim-helper"

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == helperArg {
		os.Exit(helperMain(os.Args[2], os.Args[3:]))
	}
	// Helpers are this -race binary too: spare each the race runtime's
	// default one-second sleep at exit.
	if g := os.Getenv("GORACE"); !strings.Contains(g, "atexit_sleep_ms") {
		os.Setenv("GORACE", strings.TrimSpace(g+" atexit_sleep_ms=0"))
	}
	os.Exit(m.Run())
}

func helperMain(mode string, args []string) int {
	switch mode {
	case "echo": // echo <ready-file> <addr>…: echo lines on every addr
		for _, addr := range args[1:] {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Println("listening on", ln.Addr())
			go serveEcho(ln)
		}
		return writeReadyAndBlock(args[0], syscall.SIGTERM)
	case "dial": // dial <addr> <timeout>: send a line, print the echo
		timeout, _ := time.ParseDuration(args[1])
		conn, err := net.DialTimeout("tcp", args[0], timeout)
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(timeout))
		fmt.Fprintln(conn, "ping")
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		fmt.Print("echo: ", line)
		return 0
	case "sleep": // sleep [ready-file]: block until SIGTERM
		ready := ""
		if len(args) > 0 {
			ready = args[0]
		}
		return writeReadyAndBlock(ready, syscall.SIGTERM)
	case "noterm": // noterm <ready-file>: ignore SIGTERM, block
		signal.Ignore(syscall.SIGTERM)
		return writeReadyAndBlock(args[0], syscall.SIGUSR1)
	case "orphan": // orphan <pid-file>: start a sleeper in its own session, record its pid, block
		self, _ := os.Executable()
		cmd := exec.Command(self, helperArg, "sleep")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return writeReadyAndBlock(args[0], syscall.SIGTERM, strconv.Itoa(cmd.Process.Pid))
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}

func serveEcho(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			sc := bufio.NewScanner(conn)
			for sc.Scan() {
				fmt.Fprintln(conn, sc.Text())
			}
		}()
	}
}

// writeReadyAndBlock writes content (default: our pid) to ready atomically,
// then blocks until sig arrives.
func writeReadyAndBlock(ready string, sig os.Signal, content ...string) int {
	c := make(chan os.Signal, 1)
	signal.Notify(c, sig)
	if ready != "" {
		body := strconv.Itoa(os.Getpid())
		if len(content) > 0 {
			body = content[0]
		}
		tmp := ready + ".tmp"
		if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := os.Rename(tmp, ready); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	<-c
	return 0
}

// selfExe is the test binary, at a path visible on every host.
func selfExe(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// startHelper runs a helper mode on h in the background.
func startHelper(t testing.TB, h *Host, logName string, args ...string) *Proc {
	t.Helper()
	return h.Start(t, logName, selfExe(t), append([]string{helperArg}, args...)...)
}

// runOn runs a program on h to completion and returns its combined output.
func runOn(t testing.TB, h *Host, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(60*time.Second))
	defer cancel()
	out, err := h.Command(ctx, name, args...).CombinedOutput()
	return string(out), err
}

// dial runs the dial helper on h against addr.
func dial(t testing.TB, h *Host, addr string, timeout time.Duration) (string, error) {
	t.Helper()
	return runOn(t, h, selfExe(t), helperArg, "dial", addr, timeout.String())
}

// waitFor fails t unless cond holds within the scaled timeout.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	if !pollUntil(testenv.Scaled(timeout), cond) {
		t.Fatalf("timed out after %v waiting for %s", testenv.Scaled(timeout), what)
	}
}

// readPidFile waits for a helper's ready file and returns the pid in it.
func readPidFile(t testing.TB, path string) int {
	t.Helper()
	var pid int
	waitFor(t, path, 60*time.Second, func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil
	})
	return pid
}

func readyPath(h *Host, name string) string { return filepath.Join(h.Root, name+".ready") }
