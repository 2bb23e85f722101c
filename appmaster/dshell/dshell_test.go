package dshell_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/amtest"
	"github.com/goyarn/goyarn/appmaster/dshell"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type cluster struct {
	rm   *amtest.FakeRM
	nms  []*amtest.FakeNM
	deps dshell.Deps
}

func newCluster(t *testing.T, rmOpts amtest.RMOptions, nmOpts amtest.NMOptions) *cluster {
	t.Helper()
	rm := amtest.NewFakeRM(t, rmOpts)
	cl := &cluster{rm: rm}
	for i := 0; i < 2; i++ {
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
	cl.deps = dshell.Deps{
		RM: amrm, NM: nm, Log: log, Host: "am-host",
		Heartbeat: appmaster.HeartbeatConfig{Interval: 20 * time.Millisecond, FastInterval: 5 * time.Millisecond},
	}
	return cl
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

func (cl *cluster) running() int {
	n := 0
	for _, nm := range cl.nms {
		n += len(nm.Running())
	}
	return n
}

func opts(n int) dshell.Options {
	o := dshell.DefaultOptions()
	o.ShellCommand, o.ShellArgs, o.NumContainers = "echo", "hello world", n
	o.ShellEnv = map[string]string{"GREETING": "hi"}
	return o
}

func run(t *testing.T, ctx context.Context, cl *cluster, o dshell.Options) (dshell.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return dshell.Run(ctx, o, cl.deps)
}

// runAsync runs the AM in a goroutine; wait returns its outcome.
func runAsync(t *testing.T, ctx context.Context, cl *cluster, o dshell.Options) (wait func() (dshell.Result, error)) {
	type outcome struct {
		r   dshell.Result
		err error
	}
	ch := make(chan outcome, 1)
	go func() {
		r, err := run(t, ctx, cl, o)
		ch <- outcome{r, err}
	}()
	var got *outcome
	t.Cleanup(func() {
		if got == nil {
			<-ch
		}
	})
	return func() (dshell.Result, error) {
		o := <-ch
		got = &o
		return o.r, o.err
	}
}

func TestAllContainersSucceed(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{})
	res, err := run(t, context.Background(), cl, opts(3))
	if err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	fin, ok := cl.rm.Unregistered()
	if !ok || fin.FinalStatus != api.FinalSucceeded {
		t.Errorf("RM got finish %+v (unregistered %v)", fin, ok)
	}
	launches := cl.launches()
	if len(launches) != 3 {
		t.Fatalf("%d containers launched, want 3", len(launches))
	}
	for id, lc := range launches {
		want := `/bin/sh -c 'echo hello world' 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`
		if got := strings.Join(lc.Commands, " "); got != want {
			t.Errorf("%s: command %s, want %s", id, got, want)
		}
		if lc.Environment["GREETING"] != "hi" || len(lc.Environment) != 1 {
			t.Errorf("%s: env %v", id, lc.Environment)
		}
	}
	for _, nm := range cl.nms {
		if len(nm.Started()) == 0 {
			t.Errorf("node %s ran nothing: containers go to every node", nm.NodeID())
		}
	}
	if reqs := cl.rm.Registrations(); len(reqs) != 1 || reqs[0].Host != "am-host" {
		t.Errorf("registrations %+v", reqs)
	}
}

func TestOneContainerFailsTheApplication(t *testing.T) {
	failing := api.ContainerID{Attempt: amtest.DefaultAttempt, Seq: 3} // the second container granted
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Exit: func(id api.ContainerID, _ api.LaunchContext) int {
		if id == failing {
			return 2
		}
		return 0
	}})
	res, err := run(t, context.Background(), cl, opts(3))
	if err != nil {
		t.Fatal(err)
	}
	if res.FinalStatus != api.FinalFailed || !res.Unregistered || res.Succeeded() {
		t.Fatalf("result %+v", res)
	}
	want := failing.String() + " exited with code 2"
	fin, _ := cl.rm.Unregistered()
	if fin.FinalStatus != api.FinalFailed || !strings.Contains(fin.Diagnostics, want) || !strings.Contains(fin.Diagnostics, "1 of 3") {
		t.Errorf("RM got %s %q, want FAILED naming %q", fin.FinalStatus, fin.Diagnostics, want)
	}
	if len(cl.launches()) != 3 {
		t.Errorf("%d launched, want 3: a failure replaces nothing and stops nothing", len(cl.launches()))
	}
}

func TestContainerThatCannotStartFailsTheApplication(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Reject: func(id api.ContainerID) string {
		if id.Seq == 2 {
			return "disk full"
		}
		return ""
	}})
	res, err := run(t, context.Background(), cl, opts(2))
	want := api.ContainerID{Attempt: amtest.DefaultAttempt, Seq: 2}.String() + " could not be started"
	if err != nil || res.FinalStatus != api.FinalFailed || !strings.Contains(res.Diagnostics, want) || !strings.Contains(res.Diagnostics, "disk full") {
		t.Fatalf("result %+v, err %v; want FAILED naming %q", res, err, want)
	}
}

func TestSurplusContainersAreReleased(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{Manual: true}, amtest.NMOptions{})
	o := opts(2)
	wait := runAsync(t, context.Background(), cl, o)
	amtest.WaitFor(t, 10*time.Second, "the asks", func() bool { return cl.rm.Outstanding(0, o.Capability()) == 2 })
	cl.rm.GrantExtra(0, o.Capability()) // a scheduler race: one more than asked
	cl.rm.Grant(0, 2)
	res, err := wait()
	if err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	launched := cl.launches()
	rel := cl.rm.Released()
	if len(rel) != 1 || len(launched) != 2 {
		t.Fatalf("released %v, launched %d: want one surplus released, two launched", rel, len(launched))
	}
	if _, ran := launched[rel[0]]; ran {
		t.Errorf("released %s, which was launched", rel[0])
	}
}

func TestOversizedContainersAreClampedToTheMaximum(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{})
	o := opts(1)
	o.ContainerMemoryMB = 65536
	res, err := run(t, context.Background(), cl, o)
	if err != nil || !res.Succeeded() {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if g := cl.rm.Granted(); len(g) != 1 || g[0].Resource.MemoryMB != 8192 {
		t.Errorf("granted %+v, want one container of the maximum 8192 MB", g)
	}
}

func TestShutdownExitsWithoutUnregistering(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	wait := runAsync(t, context.Background(), cl, opts(2))
	amtest.WaitFor(t, 10*time.Second, "both containers to run", func() bool { return cl.running() == 2 })
	cl.rm.SendShutdown()
	res, err := wait()
	if !errors.Is(err, appmaster.ErrShutdown) || res.Unregistered {
		t.Fatalf("result %+v, err %v: want ErrShutdown, not unregistered", res, err)
	}
	if n := len(cl.rm.Finishes()); n != 0 {
		t.Errorf("%d finish calls after AM_SHUTDOWN, want 0", n)
	}
}

func TestCancelUnregistersKilled(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{Hold: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait := runAsync(t, ctx, cl, opts(2))
	amtest.WaitFor(t, 10*time.Second, "both containers to run", func() bool { return cl.running() == 2 })
	cl.nms[0].Exit(cl.nms[0].Running()[0], 0)
	cancel() // SIGTERM from the NM
	res, err := wait()
	if err != nil || res.FinalStatus != api.FinalKilled || !res.Unregistered {
		t.Fatalf("result %+v, err %v: want KILLED, unregistered", res, err)
	}
	fin, ok := cl.rm.Unregistered()
	if !ok || fin.FinalStatus != api.FinalKilled || !strings.Contains(fin.Diagnostics, "of 2 containers completed") {
		t.Errorf("RM got %+v", fin)
	}
}

func TestBadOptionsAreRejectedBeforeRegistering(t *testing.T) {
	cl := newCluster(t, amtest.RMOptions{}, amtest.NMOptions{})
	_, err := run(t, context.Background(), cl, dshell.Options{})
	if !errors.Is(err, dshell.ErrInvalidOptions) || len(cl.rm.Registrations()) != 0 {
		t.Errorf("err = %v, registrations %d", err, len(cl.rm.Registrations()))
	}
}
