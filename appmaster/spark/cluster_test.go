package spark_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/amtest"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/appmaster/spark"
)

func release(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "release"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

func TestClusterModeSucceeds(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	o := opts(2)
	dir := cl.clusterMode(t, "succeed", &o)
	o.Args = []string{"100", "two words"}
	wait, _ := start(t, cl, o)
	amtest.WaitFor(t, 20*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	release(t, dir)
	res, err := wait()
	if err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if fin, ok := cl.rm.Unregistered(); !ok || fin.FinalStatus != api.FinalSucceeded || fin.Diagnostics != "" {
		t.Errorf("RM got finish %+v (unregistered %v)", fin, ok)
	}
	out := cl.out.String()
	for _, want := range []string{`fake driver args: ["100" "two words"]`, "driver acked", "Pi is roughly 3.14"} {
		if !strings.Contains(out, want) {
			t.Errorf("driver stdout lacks %q:\n%s", want, out)
		}
	}
	if !gone(driverPID(t, dir)) {
		t.Error("driver process still runs")
	}

	// Registered once the driver served, with its host and port.
	regs := cl.rm.Registrations()
	if len(regs) != 1 || regs[0].Host != "127.0.0.1" || regs[0].RPCPort <= 0 {
		t.Errorf("registrations %+v, want one with the driver's host and port", regs)
	}
	var env map[string]string
	b, err := os.ReadFile(filepath.Join(dir, "driver-env.json"))
	if err != nil || json.Unmarshal(b, &env) != nil {
		t.Fatalf("driver env: %v", err)
	}
	want := map[string]string{
		protocol.EnvRole: protocol.RoleDriver, protocol.EnvDriverHost: "127.0.0.1",
		protocol.EnvDriverInfoFile: filepath.Join(dir, spark.DriverInfoFileName),
		protocol.EnvAppID:          amtest.DefaultAttempt.App.String(), protocol.EnvExecutors: "2", protocol.EnvExecutorCores: "2",
		protocol.EnvConf: `{"spark.app.name":"pi","spark.executorEnv.FROM_CONF":"c"}`,
		"FROM_AM":        "yes", "DRIVER_ONLY": "1",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("driver env %s = %q, want %q", k, env[k], v)
		}
	}
	if tok, ok := env[api.EnvAMToken]; ok {
		t.Errorf("driver got the AM token %q", tok)
	}

	// The executors were told the driver's URL and stopped at the end.
	launches := cl.launches()
	if len(launches) != 2 {
		t.Fatalf("%d executors launched, want 2", len(launches))
	}
	for id, lc := range launches {
		if url := lc.Environment[protocol.EnvDriverURL]; !strings.HasSuffix(url, ":"+strconv.Itoa(regs[0].RPCPort)) {
			t.Errorf("%s: driver url %q", id, url)
		}
		if !slices.Contains(cl.stopped(), id) {
			t.Errorf("%s not stopped at the end", id)
		}
	}
}

func TestClusterModeDriverFails(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	o := opts(1)
	dir := cl.clusterMode(t, "fail", &o)
	wait, _ := start(t, cl, o)
	amtest.WaitFor(t, 20*time.Second, "the executor to run", func() bool { return len(cl.running()) == 1 })
	release(t, dir)
	res, err := wait()
	if err != nil || res.FinalStatus != api.FinalFailed || !res.Unregistered {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if fin, _ := cl.rm.Unregistered(); fin.FinalStatus != api.FinalFailed || fin.Diagnostics != "job 0 failed: boom" {
		t.Errorf("RM got %s %q, want FAILED with the driver's diagnostics", fin.FinalStatus, fin.Diagnostics)
	}
	if !strings.Contains(cl.out.String(), "driver acked") {
		t.Errorf("driver was not acked:\n%s", cl.out.String())
	}
	if len(cl.running()) != 0 {
		t.Errorf("executors still running: %v", cl.running())
	}
}

func TestClusterModeDriverDiesWithoutStatus(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	o := opts(1)
	dir := cl.clusterMode(t, "die", &o)
	wait, _ := start(t, cl, o)
	amtest.WaitFor(t, 20*time.Second, "the executor to run", func() bool { return len(cl.running()) == 1 })
	release(t, dir)
	res, err := wait()
	if err != nil || res.FinalStatus != api.FinalFailed || !res.Unregistered {
		t.Fatalf("result %+v, err %v", res, err)
	}
	fin, _ := cl.rm.Unregistered()
	for _, want := range []string{"driver exited with code 3 without reporting a final status", "panic: something broke"} {
		if !strings.Contains(fin.Diagnostics, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, fin.Diagnostics)
		}
	}
	if len(fin.Diagnostics) > 5000 {
		t.Errorf("diagnostics are %d bytes: only the stderr tail belongs there", len(fin.Diagnostics))
	}
	if len(cl.running()) != 0 {
		t.Errorf("executors still running: %v", cl.running())
	}
}

func TestClusterModeDriverThatNeverServes(t *testing.T) {
	tests := []struct {
		mode string
		want []string
	}{
		{"silent", []string{"driver did not start serving within 300ms (spark.yarn.am.waitTime)", "fake driver starting in mode silent"}},
		{"early", []string{"driver exited with code 4 before it started serving", "cannot parse the input path"}},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{})
			o := opts(2)
			dir := cl.clusterMode(t, tc.mode, &o)
			o.Conf[spark.ConfAMWaitTime] = "300ms"
			res, err := run(t, cl, o)
			if err != nil || res.FinalStatus != api.FinalFailed || !res.Unregistered {
				t.Fatalf("result %+v, err %v", res, err)
			}
			fin, _ := cl.rm.Unregistered()
			for _, want := range tc.want {
				if !strings.Contains(fin.Diagnostics, want) {
					t.Errorf("diagnostics lack %q:\n%s", want, fin.Diagnostics)
				}
			}
			if !gone(driverPID(t, dir)) {
				t.Error("driver process still runs")
			}
			if g := cl.rm.Granted(); len(g) != 0 {
				t.Errorf("executors granted without a driver: %v", g)
			}
		})
	}
}

func TestClusterModeStopKillsTheDriver(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	o := opts(2)
	dir := cl.clusterMode(t, "stubborn", &o) // ignores SIGTERM: needs SIGKILL
	wait, stop := start(t, cl, o)
	amtest.WaitFor(t, 20*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	stop() // SIGTERM from the NM
	res, err := wait()
	if err == nil || res.Unregistered {
		t.Fatalf("result %+v, err %v: want an error and no unregistering", res, err)
	}
	if n := len(cl.rm.Finishes()); n != 0 {
		t.Errorf("%d finish calls after SIGTERM, want 0 (a new attempt may follow)", n)
	}
	if !gone(driverPID(t, dir)) {
		t.Error("driver process still runs")
	}
	if len(cl.running()) != 0 {
		t.Errorf("executors still running: %v", cl.running())
	}
}

func TestClusterModeBinaryMissing(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{})
	o := opts(1)
	cl.clusterMode(t, "succeed", &o)
	o.Binary = "nope"
	o.ExecutorResources["nope"] = "file:///staging/nope"
	_, err := run(t, cl, o)
	if !errors.Is(err, spark.ErrInvalidOptions) || len(cl.rm.Registrations()) != 0 {
		t.Errorf("err %v, %d registrations: want ErrInvalidOptions before registering", err, len(cl.rm.Registrations()))
	}
}
