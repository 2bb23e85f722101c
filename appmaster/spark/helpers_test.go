package spark_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/amtest"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/appmaster/spark"
)

type cluster struct {
	rm   *amtest.FakeRM
	nms  []*amtest.FakeNM
	deps spark.Deps
	out  *syncBuffer // the driver's stdout
}

func newCluster(t *testing.T, rmOpts amtest.RMOptions, nmOpts amtest.NMOptions) *cluster {
	t.Helper()
	rm := amtest.NewFakeRM(t, rmOpts)
	cl := &cluster{rm: rm, out: &syncBuffer{}}
	for range 2 {
		cl.nms = append(cl.nms, amtest.NewFakeNM(t, rm, nmOpts))
	}
	cfg := appmaster.DefaultConfig()
	cfg.RMAddresses, cfg.AttemptID, cfg.Token = []string{rm.Addr()}, rm.Attempt(), rm.Token()
	cfg.BackoffBase, cfg.FinishPollInterval = 5*time.Millisecond, time.Millisecond
	log := zaptest.NewLogger(t)
	amrm, err := appmaster.NewAMRMClient(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(amrm.Close)
	nm := appmaster.NewNMClient(appmaster.NMConfig{}, log)
	t.Cleanup(nm.Close)
	cl.deps = spark.Deps{
		RM: amrm, NM: nm, Log: log, Host: "127.0.0.1", Stdout: cl.out, Stderr: zapWriter{t},
		Heartbeat: appmaster.HeartbeatConfig{Interval: 20 * time.Millisecond, FastInterval: 5 * time.Millisecond},
		Timing: spark.Timing{
			PollInterval: 10 * time.Millisecond, DriverCallTimeout: 2 * time.Second, DriverExitWait: 5 * time.Second,
			StopGrace: 300 * time.Millisecond, StopTimeout: 5 * time.Second, FinishTimeout: 5 * time.Second,
		},
	}
	return cl
}

// clusterMode makes the cluster run the test binary as a cluster-mode
// driver in mode (see fakeDriverEnv) from a fresh work dir.
func (cl *cluster) clusterMode(t *testing.T, mode string, o *spark.Options) string {
	t.Helper()
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, filepath.Join(dir, "app")); err != nil {
		t.Fatal(err)
	}
	cl.deps.WorkDir = dir
	cl.deps.Environ = append(os.Environ(), api.EnvAMToken+"=secret-am-token", "FROM_AM=yes")
	o.DeployMode, o.DriverURL = spark.Cluster, ""
	// GORACE: a race-enabled child otherwise sleeps 1 s before exiting 0.
	o.DriverEnv = map[string]string{fakeDriverEnv: mode, "DRIVER_ONLY": "1", "GORACE": "atexit_sleep_ms=0"}
	return dir
}

func (cl *cluster) launches() map[api.ContainerID]api.LaunchContext {
	out := map[api.ContainerID]api.LaunchContext{}
	for _, nm := range cl.nms {
		for id, lc := range nm.Launches() {
			out[id] = lc
		}
	}
	return out
}

func (cl *cluster) running() []api.ContainerID {
	var out []api.ContainerID
	for _, nm := range cl.nms {
		out = append(out, nm.Running()...)
	}
	return out
}

func (cl *cluster) stopped() []api.ContainerID {
	var out []api.ContainerID
	for _, nm := range cl.nms {
		out = append(out, nm.Stopped()...)
	}
	return out
}

// nmOf is the fake NM that holds container id.
func (cl *cluster) nmOf(id api.ContainerID) *amtest.FakeNM {
	for _, nm := range cl.nms {
		if _, ok := nm.Launches()[id]; ok {
			return nm
		}
	}
	return nil
}

func opts(n int) spark.Options {
	o := spark.DefaultOptions()
	o.DeployMode, o.Binary, o.NumExecutors = spark.Client, "app", n
	o.ExecutorMemoryMB, o.ExecutorCores = 512, 2
	o.ExecutorResources = map[string]string{"app": "file:///staging/app_1/app", "words.txt": "file:///staging/app_1/words.txt"}
	o.Conf = map[string]string{"spark.app.name": "pi", protocol.ConfExecutorEnvPrefix + "FROM_CONF": "c"}
	o.ExecutorEnv = map[string]string{"GREETING": "hi"}
	return o
}

type outcome struct {
	res spark.Result
	err error
}

// start runs the AM in a goroutine; wait returns its outcome. The test's
// cleanup stops the AM (and so its driver) if the test did not wait.
func start(t *testing.T, cl *cluster, o spark.Options) (wait func() (spark.Result, error), stop context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	ch := make(chan outcome, 1)
	go func() {
		res, err := spark.Run(ctx, o, cl.deps)
		ch <- outcome{res, err}
	}()
	var once sync.Once
	var got outcome
	wait = func() (spark.Result, error) {
		once.Do(func() { got = <-ch })
		return got.res, got.err
	}
	t.Cleanup(func() {
		cancel()
		wait()
	})
	return wait, cancel
}

func run(t *testing.T, cl *cluster, o spark.Options) (spark.Result, error) {
	t.Helper()
	wait, _ := start(t, cl, o)
	return wait()
}

// fakeDriver is a client-mode driver: the protocol's endpoints on an
// httptest server whose state the test sets.
type fakeDriver struct {
	srv *httptest.Server

	mu    sync.Mutex
	st    protocol.DriverStatus
	lost  []protocol.ExecutorLostRequest
	acks  int
	polls int
}

func newFakeDriver(t *testing.T) *fakeDriver {
	d := &fakeDriver{st: protocol.DriverStatus{State: protocol.DriverWaiting}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+protocol.PathDriverStatus, func(w http.ResponseWriter, _ *http.Request) {
		d.mu.Lock()
		d.polls++
		st := d.st
		d.mu.Unlock()
		_ = json.NewEncoder(w).Encode(st)
	})
	mux.HandleFunc("POST "+protocol.PathExecutorLost, func(w http.ResponseWriter, r *http.Request) {
		var req protocol.ExecutorLostRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		d.mu.Lock()
		d.lost = append(d.lost, req)
		d.mu.Unlock()
	})
	mux.HandleFunc("POST "+protocol.PathDriverAck, func(http.ResponseWriter, *http.Request) {
		d.mu.Lock()
		d.acks++
		d.mu.Unlock()
	})
	d.srv = httptest.NewServer(mux)
	t.Cleanup(d.srv.Close)
	return d
}

func (d *fakeDriver) url() string { return d.srv.Listener.Addr().String() }

func (d *fakeDriver) set(state protocol.DriverState, diag string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.st.State, d.st.Diagnostics = state, diag
}

func (d *fakeDriver) lostReports() []protocol.ExecutorLostRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]protocol.ExecutorLostRequest(nil), d.lost...)
}

func (d *fakeDriver) ackCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.acks
}

func (d *fakeDriver) pollCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.polls
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// zapWriter sends the driver's stderr to the test log.
type zapWriter struct{ t *testing.T }

func (w zapWriter) Write(p []byte) (int, error) {
	w.t.Log("driver stderr: " + string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// driverPID reads the pid the fake driver wrote in dir.
func driverPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "driver.pid"))
	if err != nil {
		t.Fatalf("driver pid: %v", err)
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}
