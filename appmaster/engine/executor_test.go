package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// fakeDriver answers registrations and heartbeats as scripted.
type fakeDriver struct {
	srv *httptest.Server

	mu         sync.Mutex
	refuseUpTo int // registrations answered 503 before one is accepted
	regStatus  int // when non-zero, every registration gets this status
	registered []protocol.RegisterExecutorRequest
	attempts   int
	known      bool
	stop       bool
	heartbeats int
	conf       map[string]string
}

func newFakeDriver(t *testing.T, conf map[string]string) *fakeDriver {
	f := &fakeDriver{known: true, conf: conf}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+protocol.PathRegisterExecutor, func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.attempts++
		if f.regStatus != 0 {
			w.WriteHeader(f.regStatus)
			return
		}
		if f.attempts <= f.refuseUpTo {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var req protocol.RegisterExecutorRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		f.registered = append(f.registered, req)
		_ = json.NewEncoder(w).Encode(protocol.RegisterExecutorResponse{AppID: "app", Conf: f.conf})
	})
	mux.HandleFunc("POST "+wire.PathHeartbeat, func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.heartbeats++
		_ = json.NewEncoder(w).Encode(wire.HeartbeatResponse{Known: f.known, Stop: f.stop})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDriver) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

func (f *fakeDriver) with(fn func(f *fakeDriver)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func executorConfig(t *testing.T, driver string, conf map[string]string) Config {
	cfg := DefaultConfig()
	cfg.Role = protocol.RoleExecutor
	cfg.DriverURL = driver
	cfg.ExecutorID = "3"
	cfg.ExecutorCores = 2
	cfg.ContainerID = "container_1_0001_01_000003"
	cfg.WorkDir = t.TempDir()
	cfg.Conf = conf
	cfg.Logger, _ = testLogger(t)
	return cfg
}

var fastConf = map[string]string{confHeartbeatInterval: "20ms", protocol.ConfExecutorHeartbeatWait: "400ms"}

func TestExecutorRegistersOnceTheDriverIsUpAndStopsWhenTold(t *testing.T) {
	f := newFakeDriver(t, fastConf)
	f.refuseUpTo = 2
	app, _ := testApp()
	e := startExecutorCfg(t, executorConfig(t, f.addr(), map[string]string{protocol.ConfExecutorHeartbeatWait: "20s"}), app)
	waitFor(t, "a heartbeat", func() bool { n := 0; f.with(func(f *fakeDriver) { n = f.heartbeats }); return n > 0 })
	f.with(func(f *fakeDriver) {
		if f.attempts != 3 || len(f.registered) != 1 {
			t.Errorf("%d attempts, %d registrations; want 3 and 1", f.attempts, len(f.registered))
		}
		r := f.registered[0]
		if r.ExecutorID != "3" || r.Host != "127.0.0.1" || r.Port == 0 || r.Cores != 2 || r.ContainerID != "container_1_0001_01_000003" {
			t.Errorf("registration = %+v", r)
		}
		f.stop = true
	})
	if err := e.wait(t); err != nil {
		t.Fatalf("executor ended with %v, want nil after a stop", err)
	}
}

func TestExecutorExitsWhenRemovedByTheDriver(t *testing.T) {
	f := newFakeDriver(t, fastConf)
	app, _ := testApp()
	e := startExecutorCfg(t, executorConfig(t, f.addr(), fastConf), app)
	waitFor(t, "a heartbeat", func() bool { n := 0; f.with(func(f *fakeDriver) { n = f.heartbeats }); return n > 0 })
	f.with(func(f *fakeDriver) { f.known = false })
	if err := e.wait(t); !errors.Is(err, ErrRejected) {
		t.Fatalf("executor ended with %v, want ErrRejected", err)
	}
}

func TestExecutorExitsWhenTheDriverIsGone(t *testing.T) {
	f := newFakeDriver(t, fastConf)
	app, _ := testApp()
	e := startExecutorCfg(t, executorConfig(t, f.addr(), fastConf), app)
	waitFor(t, "a heartbeat", func() bool { n := 0; f.with(func(f *fakeDriver) { n = f.heartbeats }); return n > 0 })
	f.srv.Close()
	if err := e.wait(t); !errors.Is(err, ErrDriverUnreachable) {
		t.Fatalf("executor ended with %v, want ErrDriverUnreachable", err)
	}
}

func TestExecutorRegistrationIsBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := ln.Addr().String()
	ln.Close()
	app, _ := testApp()
	e := startExecutorCfg(t, executorConfig(t, nobody, map[string]string{protocol.ConfExecutorHeartbeatWait: "300ms"}), app)
	if err := e.wait(t); !errors.Is(err, ErrDriverUnreachable) {
		t.Fatalf("executor ended with %v, want ErrDriverUnreachable", err)
	}

	f := newFakeDriver(t, nil)
	f.regStatus = http.StatusConflict // a driver that has finished
	e = startExecutorCfg(t, executorConfig(t, f.addr(), nil), app)
	if err := e.wait(t); !errors.Is(err, ErrRejected) {
		t.Fatalf("executor ended with %v, want ErrRejected", err)
	}
}

func TestExecutorTaskEndpoint(t *testing.T) {
	f := newFakeDriver(t, map[string]string{protocol.ConfExecutorHeartbeatWait: "20s"})
	app, _ := testApp()
	startExecutorCfg(t, executorConfig(t, f.addr(), nil), app)
	var addr string
	waitFor(t, "the registration", func() bool {
		f.with(func(f *fakeDriver) {
			if len(f.registered) > 0 {
				addr = fmt.Sprintf("%s:%d", f.registered[0].Host, f.registered[0].Port)
			}
		})
		return addr != ""
	})
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	res, err := hc.Post("http://"+addr+wire.PathTasks, "application/json", strings.NewReader("{"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed task: HTTP %d, want 400", res.StatusCode)
	}
	tests := []struct {
		name string
		spec wire.TaskSpec
		want string
	}{
		{"unknown function", wire.TaskSpec{Source: wire.Source{Kind: wire.SourceRange, Hi: 3}, Ops: []string{"nope"}, Sink: wire.Sink{Kind: wire.SinkCount, Type: "int"}}, `function "nope"`},
		{"wrong input type", wire.TaskSpec{Source: wire.Source{Kind: wire.SourceRange, Hi: 3}, Ops: []string{"upper"}, Sink: wire.Sink{Kind: wire.SinkCount, Type: "string"}}, "applied to int records"},
		{"unknown source", wire.TaskSpec{Source: wire.Source{Kind: "magic"}, Sink: wire.Sink{Kind: wire.SinkCount}}, `unknown source "magic"`},
		{"unknown type", wire.TaskSpec{Source: wire.Source{Kind: wire.SourceParallelize, Type: "main.Nope"}, Sink: wire.Sink{Kind: wire.SinkCount}}, "record type main.Nope"},
		{"shuffle of non-KV", wire.TaskSpec{Source: wire.Source{Kind: wire.SourceRange, Hi: 3}, Sink: wire.Sink{Kind: wire.SinkShuffle, Type: "int", NumReduce: 2}}, "not a KV type"},
		{"bad text file", wire.TaskSpec{Source: wire.Source{Kind: wire.SourceText, Path: "/does/not/exist", Length: 10}, Sink: wire.Sink{Kind: wire.SinkCount, Type: "string"}}, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out wire.TaskResult
			err := wire.Call(t.Context(), hc, http.MethodPost, addr, wire.PathTasks, tc.spec, &out, 1<<20)
			if err != nil || out.Status != wire.StatusFailed || !strings.Contains(out.Error, tc.want) {
				t.Fatalf("result = %+v, %v; want FAILED with %q", out, err, tc.want)
			}
		})
	}
}

// A reducer that cannot fetch a map output answers FETCH_FAILED naming it.
func TestReducerReportsFetchFailure(t *testing.T) {
	f := newFakeDriver(t, map[string]string{protocol.ConfExecutorHeartbeatWait: "20s"})
	app, _ := testApp()
	startExecutorCfg(t, executorConfig(t, f.addr(), nil), app)
	var addr string
	waitFor(t, "the registration", func() bool {
		f.with(func(f *fakeDriver) {
			if len(f.registered) > 0 {
				addr = fmt.Sprintf("%s:%d", f.registered[0].Host, f.registered[0].Port)
			}
		})
		return addr != ""
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	kvType := typeName[KV[string, int]]()
	spec := wire.TaskSpec{
		Source: wire.Source{Kind: wire.SourceShuffle, Type: kvType, Shuffle: &wire.ShuffleRead{
			ShuffleID: 4, Reduce: 0, Kind: wire.ShuffleReduceByKey, Func: "sum",
			Blocks: []wire.BlockLoc{{Map: 2, ExecutorID: "9", Addr: dead, File: "shuffle_4_2_1"}}}},
		Sink: wire.Sink{Kind: wire.SinkCount, Type: kvType},
	}
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	var out wire.TaskResult
	if err := wire.Call(t.Context(), hc, http.MethodPost, addr, wire.PathTasks, spec, &out, 1<<20); err != nil {
		t.Fatal(err)
	}
	ff := out.FetchFailed
	if out.Status != wire.StatusFetchFailed || ff == nil || ff.ShuffleID != 4 || ff.Map != 2 || ff.ExecutorID != "9" || ff.Addr != dead {
		t.Fatalf("result = %+v (fetch failure %+v)", out, ff)
	}
}
