package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// driverRun is a driver-role RunConfig running in the test.
type driverRun struct {
	t       *testing.T
	app     *App
	info    protocol.DriverInfo
	infoDir string
	logs    *logBuffer
	done    chan error
	started chan struct{} // closed when main starts
	conf    map[string]string
	hc      *http.Client
}

// startDriverRole runs a driver waiting for executors executors; main runs
// once they are there.
func startDriverRole(t *testing.T, executors int, conf map[string]string, main Main) *driverRun {
	t.Helper()
	app, _ := testApp()
	r := &driverRun{t: t, app: app, infoDir: t.TempDir(), done: make(chan error, 1), started: make(chan struct{}), conf: conf,
		hc: &http.Client{Transport: bearer{secret: conf[confSecret], next: &http.Transport{}}}}
	t.Cleanup(r.hc.CloseIdleConnections) // the driver's client is the AM: it holds the secret
	cfg := DefaultConfig()
	cfg.Role = protocol.RoleDriver
	cfg.Executors = executors
	cfg.AppID = "application_1_0001"
	cfg.DriverInfoFile = filepath.Join(r.infoDir, "driver.json")
	cfg.AckTimeout = time.Minute // the tests ack, or expect no wait
	cfg.Conf = conf
	cfg.Logger, r.logs = testLogger(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		r.done <- app.RunConfig(ctx, cfg, func(c *Context) error {
			close(r.started)
			return main(c)
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("the driver did not stop")
		}
	})
	waitFor(t, "the driver info file", func() bool {
		data, err := os.ReadFile(cfg.DriverInfoFile)
		return err == nil && json.Unmarshal(data, &r.info) == nil
	})
	return r
}

// execRun is an in-process executor.
type execRun struct {
	done chan struct{}
	err  error
}

func (e *execRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-e.done:
		return e.err
	case <-time.After(20 * time.Second):
		t.Fatal("the executor did not stop")
		return nil
	}
}

// startExecutor runs an in-process executor for the driver.
func (r *driverRun) startExecutor(id string) *execRun {
	r.t.Helper()
	cfg := DefaultConfig()
	cfg.Role = protocol.RoleExecutor
	cfg.DriverURL = r.info.URL
	cfg.ExecutorID = id
	cfg.ExecutorCores = 1
	cfg.WorkDir = r.t.TempDir()
	cfg.Conf = r.conf
	cfg.Logger = testLoggerTo(r.logs)
	return startExecutorCfg(r.t, cfg, r.app)
}

func startExecutorCfg(t *testing.T, cfg Config, app *App) *execRun {
	ctx, cancel := context.WithCancel(context.Background())
	e := &execRun{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		e.err = runExecutor(ctx, cfg, app.reg)
	}()
	t.Cleanup(func() {
		cancel()
		e.wait(t)
	})
	return e
}

func (r *driverRun) status() protocol.DriverStatus {
	r.t.Helper()
	res, err := r.hc.Get("http://" + r.info.URL + protocol.PathDriverStatus)
	if err != nil {
		r.t.Fatal(err)
	}
	defer res.Body.Close()
	var st protocol.DriverStatus
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		r.t.Fatal(err)
	}
	return st
}

func (r *driverRun) post(path, body string) int {
	r.t.Helper()
	res, err := r.hc.Post("http://"+r.info.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (r *driverRun) result() error {
	r.t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(20 * time.Second):
		r.t.Fatal("the driver did not finish")
		return nil
	}
}

func (r *driverRun) mainStarted() bool {
	select {
	case <-r.started:
		return true
	default:
		return false
	}
}

func TestDriverWaitsForEveryExecutor(t *testing.T) {
	r := startDriverRole(t, 2, map[string]string{protocol.ConfMaxRegisteredWait: "1h"}, func(c *Context) error {
		_, err := Count(Range(c, 0, 100, 4))
		return err
	})
	if r.info.PID != os.Getpid() {
		t.Errorf("driver info pid %d, want %d", r.info.PID, os.Getpid())
	}
	if entries, _ := os.ReadDir(r.infoDir); len(entries) != 1 {
		t.Errorf("driver info dir holds %d files, want just driver.json", len(entries))
	}
	st := r.status()
	if st.State != protocol.DriverWaiting || st.ExecutorsRequested != 2 || st.ExecutorsRegistered != 0 {
		t.Fatalf("status = %+v", st)
	}
	if code := r.post(protocol.PathDriverAck, "{}"); code != http.StatusConflict {
		t.Errorf("ack while waiting: HTTP %d, want 409", code)
	}
	r.startExecutor("1")
	waitFor(t, "one registration", func() bool { return r.status().ExecutorsRegistered == 1 })
	if r.mainStarted() || r.status().State != protocol.DriverWaiting {
		t.Fatal("main started with one executor of two")
	}
	r.startExecutor("2")
	waitFor(t, "SUCCEEDED", func() bool { return r.status().State == protocol.DriverSucceeded })
	if code := r.post(protocol.PathDriverAck, "{}"); code != http.StatusOK {
		t.Fatalf("ack: HTTP %d", code)
	}
	if err := r.result(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{`"executor_id": "1"`, `"executor_id": "2"`} {
		if !strings.Contains(r.logs.String(), "registered executor") || !strings.Contains(r.logs.String(), id) {
			t.Errorf("no registration of %s in the driver's log", id)
		}
	}
}

func TestDriverProceedsWithEnoughExecutorsAfterTheWait(t *testing.T) {
	conf := map[string]string{protocol.ConfMaxRegisteredWait: "100ms", protocol.ConfMinRegisteredRatio: "0.6"}
	parallelism := make(chan int, 1)
	r := startDriverRole(t, 3, conf, func(c *Context) error {
		parallelism <- c.DefaultParallelism()
		return nil
	})
	r.startExecutor("1")
	waitFor(t, "the wait to run out", func() bool { return strings.Contains(r.logs.String(), "still waiting for executors") })
	if r.mainStarted() {
		t.Fatal("main started with 1 of 3 executors, under the ratio")
	}
	r.startExecutor("2")
	waitFor(t, "SUCCEEDED", func() bool { return r.status().State == protocol.DriverSucceeded })
	if p := <-parallelism; p != 2 {
		t.Errorf("default parallelism %d, want the 2 registered cores", p)
	}
	r.post(protocol.PathDriverAck, "{}")
	if err := r.result(); err != nil {
		t.Fatal(err)
	}
}

func TestDriverReportsPanicInMain(t *testing.T) {
	r := startDriverRole(t, 1, nil, func(*Context) error { panic("boom") })
	exec := r.startExecutor("1")
	waitFor(t, "FAILED", func() bool { return r.status().State.Final() })
	st := r.status()
	if st.State != protocol.DriverFailed || !strings.HasPrefix(st.Diagnostics, "panic: boom\n") ||
		!strings.Contains(st.Diagnostics, "driver_test.go") {
		t.Fatalf("status = %+v", st)
	}
	if err := exec.wait(t); err != nil { // it was told to stop
		t.Errorf("executor ended with %v", err)
	}
	if code := r.post(protocol.PathRegisterExecutor, `{"executorId":"9","host":"127.0.0.1","port":1,"cores":1}`); code != http.StatusConflict {
		t.Errorf("registration after the end: HTTP %d, want 409", code)
	}
	r.post(protocol.PathDriverAck, "{}")
	if err := r.result(); err == nil || !strings.HasPrefix(err.Error(), "panic: boom") {
		t.Fatalf("RunConfig = %v", err)
	}
}

func TestDriverReportsMainError(t *testing.T) {
	r := startDriverRole(t, 1, nil, func(*Context) error { return errors.New("input missing") })
	r.startExecutor("1")
	waitFor(t, "FAILED", func() bool { return r.status().State.Final() })
	if st := r.status(); st.State != protocol.DriverFailed || st.Diagnostics != "input missing" {
		t.Fatalf("status = %+v", st)
	}
	r.post(protocol.PathDriverAck, "{}")
	if err := r.result(); err == nil || err.Error() != "input missing" {
		t.Fatalf("RunConfig = %v", err)
	}
}

func TestDriverEndpointsRefuseBadInput(t *testing.T) {
	r := startDriverRole(t, 5, map[string]string{protocol.ConfMaxRegisteredWait: "1h"}, func(*Context) error { return nil })
	tests := []struct {
		path, body string
		want       int
	}{
		{protocol.PathRegisterExecutor, `{`, http.StatusBadRequest},
		{protocol.PathRegisterExecutor, `{"executorId":"","host":"h","port":1,"cores":1}`, http.StatusBadRequest},
		{protocol.PathRegisterExecutor, `{"executorId":"../x","host":"h","port":1,"cores":1}`, http.StatusBadRequest},
		{protocol.PathRegisterExecutor, `{"executorId":"1","host":"","port":70000,"cores":0}`, http.StatusBadRequest},
		{protocol.PathExecutorLost, `{"executorId":""}`, http.StatusBadRequest},
		{protocol.PathExecutorLost, `{"executorId":"never-seen","exitStatus":1}`, http.StatusOK},
		{protocol.PathRegisterExecutor, `{"executorId":"7","host":"127.0.0.1","port":9,"cores":2}`, http.StatusOK},
	}
	for _, tc := range tests {
		if got := r.post(tc.path, tc.body); got != tc.want {
			t.Errorf("POST %s %s: HTTP %d, want %d", tc.path, tc.body, got, tc.want)
		}
	}
	if res, err := r.hc.Get("http://" + r.info.URL + protocol.PathRegisterExecutor); err != nil {
		t.Error(err)
	} else if res.Body.Close(); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET register: HTTP %d, want 405", res.StatusCode)
	}
	if st := r.status(); st.ExecutorsRegistered != 1 {
		t.Fatalf("registered = %d, want 1", st.ExecutorsRegistered)
	}
	if code := r.post(protocol.PathExecutorLost, `{"executorId":"7","exitStatus":137,"reason":"killed"}`); code != http.StatusOK {
		t.Fatalf("lost: HTTP %d", code)
	}
	if st := r.status(); st.ExecutorsRegistered != 0 {
		t.Fatalf("registered after loss = %d, want 0", st.ExecutorsRegistered)
	}
	if !strings.Contains(r.logs.String(), "executor lost") || !strings.Contains(r.logs.String(), "killed") {
		t.Error("the loss is not in the driver's log")
	}
}

func TestWriteDriverInfoIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "info.json")
	if err := os.WriteFile(path, []byte(`{"url":"old:1","pid":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeDriverInfo(path, protocol.DriverInfo{URL: "h:2", PID: 3}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Equal(data, []byte(`{"url":"h:2","pid":3}`)) {
		t.Fatalf("info = %s", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
	if err := writeDriverInfo(filepath.Join(dir, "missing", "x.json"), protocol.DriverInfo{}); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}

func TestSecretGuardsTheEngineEndpoints(t *testing.T) {
	conf := map[string]string{confSecret: "s3cret"}
	r := startDriverRole(t, 1, conf, func(c *Context) error {
		hc := &http.Client{Transport: &http.Transport{}}
		defer hc.CloseIdleConnections()
		for _, ex := range c.d.sched.Executors() {
			res, err := hc.Post("http://"+ex.Addr+wire.PathTasks, "application/json", strings.NewReader("{}"))
			if err != nil {
				return err
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("task without the secret: HTTP %d, want 401", res.StatusCode)
			}
		}
		_, err := Count(Map(Range(c, 0, 10, 2), mapFnOf(c)))
		return err
	})
	for _, p := range []string{protocol.PathRegisterExecutor, wire.PathHeartbeat} {
		res, err := http.Post("http://"+r.info.URL+p, "application/json", strings.NewReader(`{"executorId":"1","host":"127.0.0.1","port":9,"cores":1}`))
		if err != nil || res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without the secret: %v %v, want 401", p, res, err)
		}
		if res != nil {
			res.Body.Close()
		}
	}
	// The AM's endpoints need it too (the AM has it from its environment).
	plain := &http.Client{Transport: &http.Transport{}}
	defer plain.CloseIdleConnections()
	for _, p := range []string{protocol.PathExecutorLost, protocol.PathDriverAck} {
		res, err := plain.Post("http://"+r.info.URL+p, "application/json", strings.NewReader(`{"executorId":"1"}`))
		if err != nil || res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without the secret: %v %v, want 401", p, res, err)
		}
		if res != nil {
			res.Body.Close()
		}
	}
	if res, err := plain.Get("http://" + r.info.URL + protocol.PathDriverStatus); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("status without the secret: %v %v, want 401", res, err)
	} else {
		res.Body.Close()
	}
	r.startExecutor("1") // has the secret from the conf
	waitFor(t, "SUCCEEDED", func() bool { return r.status().State == protocol.DriverSucceeded })
	r.post(protocol.PathDriverAck, "{}")
	if err := r.result(); err != nil {
		t.Fatal(err)
	}
}

// mapFnOf returns the test app's "square" function of c's App.
func mapFnOf(c *Context) MapFn[int, int] { return MapFn[int, int]{named{c.app, "square"}} }

func TestDriverRemovesSilentExecutors(t *testing.T) {
	conf := map[string]string{protocol.ConfMaxRegisteredWait: "1h", confHeartbeatInterval: "20ms", protocol.ConfExecutorHeartbeatWait: "200ms"}
	r := startDriverRole(t, 2, conf, func(*Context) error { return nil })
	if code := r.post(protocol.PathRegisterExecutor, `{"executorId":"5","host":"127.0.0.1","port":9,"cores":1}`); code != http.StatusOK {
		t.Fatalf("register: HTTP %d", code)
	}
	waitFor(t, "the silent executor's removal", func() bool { return r.status().ExecutorsRegistered == 0 })
	if !strings.Contains(r.logs.String(), "no heartbeat within 200ms") {
		t.Error("the removal's reason is not in the log")
	}
}

// bearer adds the application's secret to every request, as the AM does.
type bearer struct {
	secret string
	next   *http.Transport
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	if b.secret != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+b.secret)
	}
	return b.next.RoundTrip(r)
}

func (b bearer) CloseIdleConnections() { b.next.CloseIdleConnections() }
