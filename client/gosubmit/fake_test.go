package gosubmit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/client"
	"github.com/goyarn/goyarn/client/gosubmit"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

// Environment of the fake user binary (this test binary re-executed).
const (
	envFakeDriver  = "GOSUBMIT_TEST_DRIVER"  // serve | crash | hang
	envFakeRelease = "GOSUBMIT_TEST_RELEASE" // serve: exit once this file exists
	envFakeExit    = "GOSUBMIT_TEST_EXIT"    // serve: the exit status
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(envFakeDriver); mode != "" {
		os.Exit(fakeDriver(mode))
	}
	os.Exit(m.Run())
}

// fakeDriver is the user's binary in client mode: it listens, writes
// DriverInfo as the engine does, prints what it was given and waits to be
// released. It gives up after 30 s so that a failed test leaves nothing.
func fakeDriver(mode string) int {
	fmt.Fprintln(os.Stderr, "driver stderr: starting")
	switch mode {
	case "crash":
		fmt.Fprintln(os.Stderr, "driver: boom")
		return 3
	case "hang":
		time.Sleep(30 * time.Second)
		return 0
	}
	term := make(chan os.Signal, 1) // before DriverInfo: gosubmit may stop us right after
	signal.Notify(term, syscall.SIGTERM)
	l, err := net.Listen("tcp", net.JoinHostPort(os.Getenv(protocol.EnvDriverHost), "0"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	defer l.Close()
	data, _ := json.Marshal(protocol.DriverInfo{URL: l.Addr().String(), PID: os.Getpid()})
	path := os.Getenv(protocol.EnvDriverInfoFile)
	if err := os.WriteFile(path+".tmp", data, 0o644); err != nil || os.Rename(path+".tmp", path) != nil {
		return 5
	}
	fmt.Printf("driver stdout: args=%q\n", os.Args[1:])
	fmt.Printf("driver env: role=%s app=%s executors=%s cores=%s\n", os.Getenv(protocol.EnvRole),
		os.Getenv(protocol.EnvAppID), os.Getenv(protocol.EnvExecutors), os.Getenv(protocol.EnvExecutorCores))
	fmt.Printf("driver parent: %d\n", os.Getppid())
	fmt.Printf("driver conf: %s\n", os.Getenv(protocol.EnvConf))
	deadline := time.After(30 * time.Second)
	for {
		if _, err := os.Stat(os.Getenv(envFakeRelease)); err == nil {
			break
		}
		select {
		case <-term:
			fmt.Println("driver stdout: terminated")
			return 143
		case <-deadline:
			return 6
		case <-time.After(5 * time.Millisecond):
		}
	}
	fmt.Println("driver stdout: done")
	code, _ := strconv.Atoi(os.Getenv(envFakeExit))
	return code
}

// step is what GET /apps/{id} answers; each GET moves to the next step,
// the last one repeats.
type step struct {
	state   api.AppState
	final   api.FinalStatus
	diag    string
	release string // a file created when this step is served
	hook    func()
}

// cluster is the fake RM of these tests: client/internal/clienttest's RM
// plus /scheduler and /metrics, a request counter, scripted app reports and
// "no active RM" answers on demand.
type cluster struct {
	*clienttest.RM
	srv *httptest.Server
	t   *testing.T

	mu       sync.Mutex
	requests int
	down     int // the next requests answered 503
	queues   []yarn.CapacityQueue
	script   []step
	served   int
}

func leaf(name, state string) yarn.CapacityQueue {
	return yarn.CapacityQueue{QueueName: name, QueuePath: "root." + name, State: state, LeafQueue: &yarn.LeafQueue{}}
}

func newCluster(t *testing.T, script ...step) *cluster {
	rm := clienttest.NewRM(t)
	c := &cluster{RM: rm, t: t, script: script, queues: []yarn.CapacityQueue{
		leaf("default", yarn.QueueRunning), leaf("stopped", yarn.QueueStopped),
		{QueueName: "prod", QueuePath: "root.prod", State: yarn.QueueRunning,
			Queues: &yarn.CapacityQueueList{Queue: []yarn.CapacityQueue{leaf("etl", yarn.QueueRunning)}}},
	}}
	rm.OnGetApp = c.onGetApp
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/v1/cluster/scheduler", func(w http.ResponseWriter, _ *http.Request) {
		c.mu.Lock()
		info := yarn.CapacitySchedulerInfo{QueueName: "root", Queues: yarn.CapacityQueueList{Queue: c.queues}}
		c.mu.Unlock()
		writeJSON(w, yarn.SchedulerResponse{Scheduler: yarn.Scheduler{SchedulerInfo: info}})
	})
	mux.HandleFunc("GET /ws/v1/cluster/metrics", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, yarn.ClusterMetricsResponse{ClusterMetrics: yarn.ClusterMetrics{ActiveNodes: 3}})
	})
	mux.Handle("/", rm.Server.Config.Handler)
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.requests++
		down := c.down > 0
		if down {
			c.down--
		}
		c.mu.Unlock()
		if down {
			http.Error(w, "Can not find any active RM. Will retry in next 5 seconds.", http.StatusServiceUnavailable)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (c *cluster) addr() string { return strings.TrimPrefix(c.srv.URL, "http://") }

// onGetApp plays the script (it runs under the RM's lock).
func (c *cluster) onGetApp(a *yarn.App) {
	c.mu.Lock()
	if len(c.script) == 0 {
		c.mu.Unlock()
		return
	}
	i := min(c.served, len(c.script)-1)
	c.served++
	s := c.script[i]
	c.mu.Unlock()
	a.State, a.FinalStatus, a.Diagnostics = s.state, s.final, s.diag
	if a.FinalStatus == "" {
		a.FinalStatus = api.FinalUndefined
	}
	a.StartedTime, a.TrackingURL = 1700000000123, "http://rm:8088/proxy/"+a.ID.String()+"/"
	if s.state == api.AppRunning || s.state.Terminal() {
		a.AMRPCAddress, a.AMHostHTTPAddress = "nm1:45454", "nm1:8042"
		a.AMContainerLogs = "http://nm1:8042/node/containerlogs/container_1700000000000_0001_01_000001/" + a.User
		a.Progress = 50
	}
	if s.release != "" {
		if err := os.WriteFile(s.release, nil, 0o644); err != nil {
			c.t.Error(err)
		}
	}
	if s.hook != nil {
		s.hook()
	}
}

func (c *cluster) requestCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests
}

func (c *cluster) submissions() []*yarn.SubmissionContext {
	c.Lock()
	defer c.Unlock()
	return append([]*yarn.SubmissionContext(nil), c.Submitted...)
}

// kills counts the PUT …/state requests.
func (c *cluster) kills() int {
	n := 0
	for _, r := range c.Received() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/state") && strings.Contains(r.Body, "KILLED") {
			n++
		}
	}
	return n
}

// appID is the id the fake RM gives its first application.
var appID = api.ApplicationID{ClusterTimestamp: clienttest.ClusterTS, Seq: 1}

// syncBuffer is a bytes buffer safe for concurrent writers and readers.
type syncBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// fixture holds what a gosubmit run needs on disk.
type fixture struct {
	dir, staging, am, bin, data string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	f := fixture{dir: dir, staging: filepath.Join(dir, "staging"), am: filepath.Join(dir, "appmaster"),
		bin: filepath.Join(dir, "pi"), data: filepath.Join(dir, "data.txt")}
	for p, content := range map[string]string{f.am: "#!/bin/sh\n", f.bin: "#!/bin/sh\n", f.data: "some data\n"} {
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// testBinary is this test binary: the client-mode user's program.
func testBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// result is what one gosubmit run printed and returned.
type result struct {
	out, err string
	code     int
}

// testSecret is the application secret every test submission carries.
const testSecret = "test-secret-0123456789abcdef"

// testNow is the fixed clock of the log lines: 24/05/06 07:08:09.
var testNow = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func baseOptions(stdout, stderr *syncBuffer) gosubmit.Options {
	return gosubmit.Options{
		Stdout: stdout, Stderr: stderr, Location: time.UTC,
		Now:                func() time.Time { return testNow },
		Getenv:             func(string) string { return "" },
		IsTerminal:         func(io.Writer) bool { return false },
		NewSecret:          func() string { return testSecret },
		DriverStartTimeout: 20 * time.Second, DriverStopGrace: 5 * time.Second,
		FinalStateWait: 20 * time.Second, DriverExitWait: 20 * time.Second,
		ClientOptions: client.Options{BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond,
			KillPoll: 5 * time.Millisecond, FailoverWait: 5 * time.Second},
	}
}

// run runs gosubmit with o and the arguments (after "gosubmit").
func run(ctx context.Context, o gosubmit.Options, args ...string) result {
	stdout, stderr := o.Stdout.(*syncBuffer), o.Stderr.(*syncBuffer)
	err := gosubmit.New(o).RunContext(ctx, append([]string{"gosubmit"}, args...))
	return result{out: stdout.String(), err: stderr.String(), code: gosubmit.ExitCode(err)}
}

// common are the flags every run here uses.
func (f fixture) common(c *cluster, extra ...string) []string {
	return append([]string{"--master", "goyarn://" + c.addr(), "--staging-dir", f.staging, "--appmaster-binary", f.am,
		"--user", "alice", "--conf", "spark.yarn.report.interval=5ms"}, extra...)
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 10s: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitTick is the pause of the polling goroutines of these tests.
func waitTick() { time.Sleep(time.Millisecond) }
