package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// TestMain runs main() when re-executed by the tests below, so that they
// check the real binary's signal handling and exit statuses.
func TestMain(m *testing.M) {
	if os.Getenv("GOSUBMIT_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// fakeRM accepts one application and reports it RUNNING forever.
func fakeRM(t *testing.T, polled *atomic.Int32) *httptest.Server {
	id := api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 1}
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/v1/cluster/scheduler", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, yarn.SchedulerResponse{})
	})
	mux.HandleFunc("GET /ws/v1/cluster/metrics", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, yarn.ClusterMetricsResponse{ClusterMetrics: yarn.ClusterMetrics{ActiveNodes: 1}})
	})
	mux.HandleFunc("POST /ws/v1/cluster/apps/new-application", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, yarn.NewApplicationResponse{ApplicationID: id, MaximumResourceCapability: api.Res(8192, 8)})
	})
	mux.HandleFunc("POST /ws/v1/cluster/apps", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /ws/v1/cluster/apps/{app}", func(w http.ResponseWriter, _ *http.Request) {
		polled.Add(1)
		reply(w, yarn.AppResponse{App: yarn.App{ID: id, State: api.AppRunning, FinalStatus: api.FinalUndefined, Queue: "default"}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func gosubmitCmd(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "GOSUBMIT_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr
}

func TestBadInputExitsTwo(t *testing.T) {
	cmd, stderr := gosubmitCmd(t, "--executor-memory", "12x", "/bin/sh")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || strings.Count(stderr.String(), "\n") != 1 ||
		!strings.HasPrefix(stderr.String(), "Error: --executor-memory") {
		t.Errorf("err %v, stderr %q", err, stderr.String())
	}
}

func TestInterruptInClusterModeStopsWaiting(t *testing.T) {
	var polled atomic.Int32
	rm := fakeRM(t, &polled)
	dir := t.TempDir()
	am := filepath.Join(dir, "appmaster")
	if err := os.WriteFile(am, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd, stderr := gosubmitCmd(t, "--master", rm.URL, "--deploy-mode", "cluster", "--staging-dir", filepath.Join(dir, "staging"),
		"--appmaster-binary", am, "--conf", "spark.yarn.report.interval=10ms", "/bin/sh")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-done
	}()
	deadline := time.Now().Add(10 * time.Second)
	for polled.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("gosubmit never polled the application") // stderr is read by Wait's copier: not printed here
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		done <- err // for the deferred cleanup
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "keeps running. To kill it: goyarn application -kill application_1700000000000_0001") {
			t.Errorf("err %v, stderr:\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gosubmit did not stop on SIGINT")
	}
}
