package spark_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/amtest"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/appmaster/spark"
)

func clientOpts(d *fakeDriver, n int) spark.Options {
	o := opts(n)
	o.DriverURL = d.url()
	return o
}

func TestClientModeSucceeds(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	cl.deps.Host = "nm-host"
	d := newFakeDriver(t)
	o := clientOpts(d, 2)
	wait, _ := start(t, cl, o)
	amtest.WaitFor(t, 10*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	d.set(protocol.DriverRunning, "")
	d.set(protocol.DriverSucceeded, "")
	res, err := wait()
	if err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if fin, ok := cl.rm.Unregistered(); !ok || fin.FinalStatus != api.FinalSucceeded {
		t.Errorf("RM got finish %+v (unregistered %v)", fin, ok)
	}
	if regs := cl.rm.Registrations(); len(regs) != 1 || regs[0].Host != "nm-host" || regs[0].RPCPort != 0 {
		t.Errorf("registrations %+v, want one from nm-host without a port", regs)
	}
	if d.ackCount() != 1 {
		t.Errorf("driver acked %d times, want 1", d.ackCount())
	}
	launched := cl.launches()
	if len(launched) != 2 {
		t.Fatalf("%d executors launched, want 2", len(launched))
	}
	for id := range launched {
		if !slices.Contains(cl.stopped(), id) {
			t.Errorf("executor container %s not stopped at the end", id)
		}
	}
	if n := cl.rm.Outstanding(spark.ExecutorPriority, o.Capability()); n != 0 {
		t.Errorf("%d executors still asked for after the end", n)
	}
	if len(d.lostReports()) != 0 {
		t.Errorf("executors stopped at the end were reported lost: %+v", d.lostReports())
	}
}

func TestClientModeDriverFails(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	d := newFakeDriver(t)
	d.set(protocol.DriverFailed, "panic: runtime error: index out of range [3] with length 3")
	res, err := run(t, cl, clientOpts(d, 1))
	if err != nil || res.FinalStatus != api.FinalFailed || !res.Unregistered {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if fin, _ := cl.rm.Unregistered(); fin.Diagnostics != "panic: runtime error: index out of range [3] with length 3" {
		t.Errorf("diagnostics %q", fin.Diagnostics)
	}
	if d.ackCount() != 1 {
		t.Errorf("driver acked %d times, want 1", d.ackCount())
	}
}

func TestClientModeDriverDisappears(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	d := newFakeDriver(t)
	o := clientOpts(d, 2)
	o.DriverTimeout = 200 * time.Millisecond
	wait, _ := start(t, cl, o)
	amtest.WaitFor(t, 10*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	d.srv.Close()
	res, err := wait()
	if err != nil || res.FinalStatus != api.FinalFailed || !res.Unregistered {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if fin, _ := cl.rm.Unregistered(); !strings.HasPrefix(fin.Diagnostics, "driver at "+o.DriverURL+" disappeared") {
		t.Errorf("diagnostics %q", fin.Diagnostics)
	}
	if len(cl.running()) != 0 {
		t.Errorf("executors still running: %v", cl.running())
	}
}

func TestExecutorLaunchContexts(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	d := newFakeDriver(t)
	o := clientOpts(d, 3)
	o.ExecutorImage = "goyarn/executor:1"
	wait, _ := start(t, cl, o)
	amtest.WaitFor(t, 10*time.Second, "three executors to run", func() bool { return len(cl.running()) == 3 })
	d.set(protocol.DriverSucceeded, "")
	if res, err := wait(); err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	var ids []string
	for id, lc := range cl.launches() {
		if got, want := strings.Join(lc.Commands, " "), "./app 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"; got != want {
			t.Errorf("%s: command %q, want %q", id, got, want)
		}
		env := lc.Environment
		ids = append(ids, env[protocol.EnvExecutorID])
		want := map[string]string{
			protocol.EnvRole: protocol.RoleExecutor, protocol.EnvDriverURL: d.url(), protocol.EnvAppID: amtest.DefaultAttempt.App.String(),
			protocol.EnvConf: `{"spark.app.name":"pi","spark.executorEnv.FROM_CONF":"c"}`,
			"GREETING":       "hi", "FROM_CONF": "c",
			api.EnvRuntimeType: "docker", api.EnvRuntimeDockerImg: "goyarn/executor:1",
		}
		for k, v := range want {
			if env[k] != v {
				t.Errorf("%s: env %s = %q, want %q", id, k, env[k], v)
			}
		}
		if len(env) != len(want)+1 {
			t.Errorf("%s: env %v has extra entries", id, env)
		}
		res := map[string]api.LocalResource{
			"app":       {URL: "file:///staging/app_1/app", Type: api.ResourceFile, Visibility: "APPLICATION"},
			"words.txt": {URL: "file:///staging/app_1/words.txt", Type: api.ResourceFile, Visibility: "APPLICATION"},
		}
		if len(lc.LocalResources) != len(res) {
			t.Errorf("%s: resources %v", id, lc.LocalResources)
		}
		for k, v := range res {
			if lc.LocalResources[k] != v {
				t.Errorf("%s: resource %s = %+v, want %+v", id, k, lc.LocalResources[k], v)
			}
		}
		if g := cl.rm.Granted(); g[0].Resource != api.Res(512, 2) || g[0].Priority != spark.ExecutorPriority {
			t.Errorf("granted %+v, want 512 MB, 2 vcores at priority %d", g[0], spark.ExecutorPriority)
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"1", "2", "3"}) {
		t.Errorf("executor ids %v, want 1, 2, 3", ids)
	}
}

func TestLostExecutorIsReportedAndReplaced(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	d := newFakeDriver(t)
	d.set(protocol.DriverRunning, "")
	wait, _ := start(t, cl, clientOpts(d, 2))
	amtest.WaitFor(t, 10*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	victim := cl.running()[0]
	victimID := cl.launches()[victim].Environment[protocol.EnvExecutorID]
	cl.nmOf(victim).Exit(victim, 137)
	amtest.WaitFor(t, 10*time.Second, "the driver to hear of the loss", func() bool { return len(d.lostReports()) == 1 })
	amtest.WaitFor(t, 10*time.Second, "a replacement to run", func() bool { return len(cl.running()) == 2 && len(cl.launches()) == 3 })
	lost := d.lostReports()[0]
	if lost.ExecutorID != victimID || lost.ContainerID != victim.String() || lost.ExitStatus != 137 || !strings.Contains(lost.Reason, "exited with code 137") {
		t.Errorf("lost report %+v, want executor %s in %s, exit 137", lost, victimID, victim)
	}
	for id, lc := range cl.launches() {
		if id != victim && lc.Environment[protocol.EnvExecutorID] == victimID {
			t.Errorf("executor id %s reused by %s", victimID, id)
		}
	}
	d.set(protocol.DriverSucceeded, "")
	if res, err := wait(); err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
}

func TestMaxExecutorFailuresFailTheApplication(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Exit: func(api.ContainerID, api.LaunchContext) int { return 1 }})
	d := newFakeDriver(t)
	d.set(protocol.DriverRunning, "")
	o := clientOpts(d, 1)
	o.MaxExecutorFailures = 3
	res, err := run(t, cl, o)
	if err != nil || res.FinalStatus != api.FinalFailed || !res.Unregistered {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if fin, _ := cl.rm.Unregistered(); !strings.HasPrefix(fin.Diagnostics, "Max number of executor failures (3) reached") {
		t.Errorf("diagnostics %q", fin.Diagnostics)
	}
	if n := len(cl.launches()); n != 3 {
		t.Errorf("%d executors launched, want 3 (the first and two replacements)", n)
	}
	amtest.WaitFor(t, 5*time.Second, "three loss reports", func() bool { return len(d.lostReports()) == 3 })
	if d.ackCount() != 0 {
		t.Error("a driver that did not finish was acked")
	}
}

func TestExecutorsEndingAfterTheDriverAreNotReplaced(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	d := newFakeDriver(t)
	d.set(protocol.DriverRunning, "")
	wait, _ := start(t, cl, clientOpts(d, 2))
	amtest.WaitFor(t, 10*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	d.set(protocol.DriverSucceeded, "")
	for _, id := range cl.running() { // the driver lets them go before the AM polls
		cl.nmOf(id).Exit(id, 0)
	}
	if res, err := wait(); err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if n := len(cl.launches()); n != 2 {
		t.Errorf("%d executors launched, want 2: none replaced", n)
	}
	if n := len(d.lostReports()); n != 0 {
		t.Errorf("%d loss reports to a finished driver", n)
	}
}

func TestSurplusContainersAreReleased(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{Manual: true}, amtest.NMOptions{Hold: true})
	d := newFakeDriver(t)
	o := clientOpts(d, 2)
	wait, _ := start(t, cl, o)
	amtest.WaitFor(t, 10*time.Second, "the asks", func() bool { return cl.rm.Outstanding(spark.ExecutorPriority, o.Capability()) == 2 })
	cl.rm.GrantExtra(spark.ExecutorPriority, o.Capability())
	cl.rm.Grant(spark.ExecutorPriority, 2)
	amtest.WaitFor(t, 10*time.Second, "one release", func() bool { return len(cl.rm.Released()) == 1 })
	amtest.WaitFor(t, 10*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	d.set(protocol.DriverSucceeded, "")
	if res, err := wait(); err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if _, ran := cl.launches()[cl.rm.Released()[0]]; ran || len(cl.launches()) != 2 {
		t.Errorf("released %v, launched %d: want the surplus released unlaunched", cl.rm.Released(), len(cl.launches()))
	}
}

func TestShutdownExitsWithoutUnregistering(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	d := newFakeDriver(t)
	wait, _ := start(t, cl, clientOpts(d, 2))
	amtest.WaitFor(t, 10*time.Second, "two executors to run", func() bool { return len(cl.running()) == 2 })
	cl.rm.SendShutdown()
	res, err := wait()
	if !errors.Is(err, appmaster.ErrShutdown) || res.Unregistered {
		t.Fatalf("result %+v, err %v: want ErrShutdown, not unregistered", res, err)
	}
	if n := len(cl.rm.Finishes()); n != 0 {
		t.Errorf("%d finish calls after AM_SHUTDOWN, want 0", n)
	}
	if len(cl.running()) != 0 {
		t.Errorf("executors still running: %v", cl.running())
	}
}

func TestBadOptionsAreRejectedBeforeRegistering(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{})
	o := opts(0)
	_, err := run(t, cl, o)
	if !errors.Is(err, spark.ErrInvalidOptions) || len(cl.rm.Registrations()) != 0 {
		t.Errorf("err = %v, registrations %d", err, len(cl.rm.Registrations()))
	}
}
