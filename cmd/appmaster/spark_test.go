package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/amtest"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/appmaster/spark"
)

// finishedDriver is a client-mode driver that has already finished with
// state; it counts acks.
func finishedDriver(t *testing.T, state protocol.DriverState, diag string) (url string, acks func() int) {
	var mu sync.Mutex
	n := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+protocol.PathDriverStatus, func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(protocol.DriverStatus{State: state, Diagnostics: diag})
	})
	mux.HandleFunc("POST "+protocol.PathDriverAck, func(http.ResponseWriter, *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

func TestSparkClientMode(t *testing.T) {
	tests := []struct {
		name     string
		state    protocol.DriverState
		diag     string
		wantCode int
		wantLog  string
	}{
		{"driver succeeded", protocol.DriverSucceeded, "", exitSucceeded, "application succeeded"},
		{"driver failed", protocol.DriverFailed, "job failed: boom", exitFailed, "job failed: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rm := amtest.NewFakeRM(t, amtest.RMOptions{})
			amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
			url, acks := finishedDriver(t, tc.state, tc.diag)
			code, logs := runAM(t, amEnv(rm), "spark", "--deploy-mode", "client", "--driver-url", url,
				"--binary", "pi", "--executor-resource", "pi=file:///staging/pi", "--num-executors", "1",
				"--executor-memory", "512", "--executor-cores", "1", "--conf", "spark.app.name=a,b", "--executor-env", "A=1,2")
			if code != tc.wantCode || !strings.Contains(logs, tc.wantLog) {
				t.Fatalf("exit %d, want %d; logs:\n%s", code, tc.wantCode, logs)
			}
			if fin, ok := rm.Unregistered(); !ok || fin.Diagnostics != tc.diag {
				t.Errorf("finish %+v (unregistered %v)", fin, ok)
			}
			if regs := rm.Registrations(); len(regs) != 1 || regs[0].Host != "nm-host" {
				t.Errorf("registrations %+v", regs)
			}
			if acks() != 1 {
				t.Errorf("driver acked %d times", acks())
			}
		})
	}
}

func TestSparkUsageErrors(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	ok := []string{"--binary", "pi", "--executor-resource", "pi=file:///staging/pi"}
	tests := []struct {
		name   string
		getenv func(string) string
		args   []string
		want   string
	}{
		{"no deploy mode", amEnv(rm), ok, "deploy-mode"},
		{"bad deploy mode", amEnv(rm), append([]string{"--deploy-mode", "local"}, ok...), `--deploy-mode "local"`},
		{"client without url", amEnv(rm), append([]string{"--deploy-mode", "client"}, ok...), "--driver-url"},
		{"zero executors", amEnv(rm), append([]string{"--deploy-mode", "client", "--driver-url", "h:1", "--num-executors", "0"}, ok...), "--num-executors 0"},
		{"bad pair", amEnv(rm), append([]string{"--deploy-mode", "client", "--driver-url", "h:1", "--conf", "novalue"}, ok...), `--conf "novalue"`},
		{"binary not shipped", amEnv(rm), []string{"--deploy-mode", "client", "--driver-url", "h:1", "--binary", "pi"}, "not among the --executor-resource"},
		{"stray argument", amEnv(rm), append([]string{"--deploy-mode", "client", "--driver-url", "h:1"}, append(ok, "extra")...), `unexpected argument "extra"`},
		{"binary missing in cluster mode", amEnv(rm), []string{"--deploy-mode", "cluster", "--binary", "no-such-binary", "--executor-resource", "no-such-binary=/s/x"}, "not a file in the work dir"},
		{"not in a container", func(string) string { return "" }, append([]string{"--deploy-mode", "client", "--driver-url", "h:1"}, ok...), api.EnvContainerID},
		{"unknown flag", amEnv(rm), []string{"--nope"}, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, logs := runAM(t, tc.getenv, append([]string{"spark"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(logs, tc.want) {
				t.Errorf("exit %d, want %d; stderr should mention %q:\n%s", code, exitUsage, tc.want, logs)
			}
			if lines := strings.Count(strings.TrimSpace(logs), "\n"); !strings.Contains("unknown flag|no deploy mode|not in a container", tc.name) && lines > 0 {
				t.Errorf("want one line, got:\n%s", logs)
			}
		})
	}
	if n := len(rm.Registrations()); n != 0 {
		t.Errorf("%d registrations from bad command lines", n)
	}
}

func TestSparkOptionsFromFlags(t *testing.T) {
	cmd := sparkCommand(env{})
	var got spark.Options
	var perr error
	cmd.Action = func(c *cli.Context) error {
		got, perr = sparkOptions(c)
		return nil
	}
	app := &cli.App{Name: "appmaster", DisableSliceFlagSeparator: true, Commands: []*cli.Command{cmd}, Writer: io.Discard, ErrWriter: io.Discard}
	err := app.Run([]string{"appmaster", "spark", "--deploy-mode", "cluster", "--binary", "wc",
		"--arg", "/data/*.txt", "--arg", "-n", "--arg=--out=x,y", "--arg", "",
		"--executor-resource", "wc=file:///staging/app/wc", "--executor-resource", "words=/staging/app/words",
		"--executor-env", "A=1,2", "--driver-env", "B=x=y", "--conf", "spark.app.name=word count", "--conf", "k=a,b",
		"--num-executors", "3", "--executor-memory", "2048", "--executor-cores", "2", "--max-executor-failures", "9",
		"--executor-image", "goyarn/exec:1", "--driver-timeout", "45s"})
	if err != nil || perr != nil {
		t.Fatalf("run: %v; options: %v", err, perr)
	}
	want := spark.Options{
		DeployMode: spark.Cluster, Binary: "wc", Args: []string{"/data/*.txt", "-n", "--out=x,y", ""},
		NumExecutors: 3, ExecutorMemoryMB: 2048, ExecutorCores: 2,
		ExecutorResources:     map[string]string{"wc": "file:///staging/app/wc", "words": "/staging/app/words"},
		ExecutorResourceStats: map[string]string{},
		ExecutorEnv:           map[string]string{"A": "1,2"}, DriverEnv: map[string]string{"B": "x=y"},
		Conf:                map[string]string{"spark.app.name": "word count", "k": "a,b"},
		MaxExecutorFailures: 9, ExecutorImage: "goyarn/exec:1", DriverTimeout: 45 * time.Second,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options\n got %+v\nwant %+v", got, want)
	}
}
