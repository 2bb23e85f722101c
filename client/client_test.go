package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

// fastOpts fail over quickly so tests stay short.
func fastOpts() client.Options {
	return client.Options{User: "alice", FailoverWait: 300 * time.Millisecond,
		BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		KillPoll: 5 * time.Millisecond, RequestTimeout: 5 * time.Second}
}

func newClient(t *testing.T, opts client.Options, addrs ...string) *client.Client {
	t.Helper()
	c, err := client.New(addrs, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

var appID = api.ApplicationID{ClusterTimestamp: clienttest.ClusterTS, Seq: 1}

func withApp(rm *clienttest.RM, state api.AppState) {
	rm.Lock()
	defer rm.Unlock()
	rm.Apps = append(rm.Apps, yarn.App{ID: appID, Name: "pi", User: "alice", Queue: "default", State: state,
		FinalStatus: api.FinalUndefined, ApplicationType: "YARN"})
}

func TestFailoverWhenFirstAddressIsDown(t *testing.T) {
	rm := clienttest.NewRM(t)
	withApp(rm, api.AppRunning)
	c := newClient(t, fastOpts(), clienttest.DeadAddr(t), rm.Addr())
	apps, err := c.Apps(context.Background(), client.AppsQuery{States: []api.AppState{api.AppRunning}})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 || apps[0].ID != appID {
		t.Fatalf("apps = %+v", apps)
	}
	if c.Active() != rm.Addr() {
		t.Errorf("Active() = %s, want %s", c.Active(), rm.Addr())
	}
	reqs := rm.Received()
	if got := reqs[len(reqs)-1].RawQuery; !strings.Contains(got, "states=RUNNING") || !strings.Contains(got, "user.name=alice") {
		t.Errorf("query = %q", got)
	}
}

func TestFollowsStandbyRedirectKeepingMethodBodyAndToken(t *testing.T) {
	active := clienttest.NewRM(t)
	standby := clienttest.NewRM(t)
	standby.SetStandby(active.Server.URL)
	opts := fastOpts()
	opts.AuthToken = "s3cret-token-0123456789"
	c := newClient(t, opts, standby.Addr()) // only the standby is known

	sub := yarn.SubmissionContext{ApplicationID: appID.String(), ApplicationName: "with \"quotes\" & spaces",
		Resource: &api.Resource{MemoryMB: 512, VCores: 1}, ApplicationType: "YARN",
		AMContainerSpec: &yarn.AMContainerSpec{Commands: yarn.Commands{Command: []string{"./am 1><LOG_DIR>/AppMaster.stdout"}}}}
	if err := c.Submit(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(sub)
	reqs := active.Received()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Body != string(want) {
		t.Fatalf("active got %+v\nwant POST with body %s", reqs, want)
	}
	if reqs[0].Auth != "Bearer "+opts.AuthToken || !strings.Contains(reqs[0].RawQuery, "user.name=alice") {
		t.Errorf("redirected request lost its identity: %+v", reqs[0])
	}
	if len(active.Submitted) != 1 || active.Submitted[0].ApplicationName != sub.ApplicationName {
		t.Errorf("submitted = %+v", active.Submitted)
	}
	if c.Active() != active.Addr() {
		t.Errorf("Active() = %s, want the redirect target %s", c.Active(), active.Addr())
	}
	// The next call goes straight to the active.
	before := len(standby.Received())
	if _, err := c.App(context.Background(), appID); err != nil {
		t.Fatal(err)
	}
	if len(standby.Received()) != before {
		t.Error("client asked the standby again after learning the active")
	}
}

func TestStandbyWithoutActiveMovesOn(t *testing.T) {
	active := clienttest.NewRM(t)
	withApp(active, api.AppRunning)
	lost := clienttest.NewRM(t)
	lost.SetStandby("")
	c := newClient(t, fastOpts(), lost.Addr(), active.Addr())
	app, err := c.App(context.Background(), appID)
	if err != nil || app.ID != appID {
		t.Fatalf("App = %+v, %v", app, err)
	}
	if c.Active() != active.Addr() {
		t.Errorf("Active() = %s", c.Active())
	}
}

func TestNoActiveRMGivesUpAfterTheBound(t *testing.T) {
	a, b := clienttest.NewRM(t), clienttest.NewRM(t)
	a.SetStandby("")
	b.SetStandby("")
	var mu sync.Mutex
	var waits []string
	opts := fastOpts()
	opts.OnWait = func(msg string) { mu.Lock(); waits = append(waits, msg); mu.Unlock() }
	c := newClient(t, opts, a.Addr(), b.Addr(), clienttest.DeadAddr(t))
	start := time.Now()
	_, err := c.Apps(context.Background(), client.AppsQuery{})
	if !errors.Is(err, client.ErrNoActiveRM) {
		t.Fatalf("err = %v, want ErrNoActiveRM", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("gave up after %s, bound is %s", el, opts.FailoverWait)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) == 0 || !strings.Contains(waits[0], "waiting for an active ResourceManager") {
		t.Errorf("OnWait calls = %q", waits)
	}
	if len(a.Received()) < 2 {
		t.Errorf("standby asked %d times, want retries", len(a.Received()))
	}
}

func TestOnePassWhenFailoverWaitNegative(t *testing.T) {
	opts := fastOpts()
	opts.FailoverWait = -1
	opts.OnWait = func(string) { t.Error("OnWait called without waiting") }
	c := newClient(t, opts, clienttest.DeadAddr(t))
	if _, err := c.Metrics(context.Background()); !errors.Is(err, client.ErrNoActiveRM) {
		t.Fatalf("err = %v", err)
	}
}

func TestRedirectLoopIsNotActive(t *testing.T) {
	a, b := clienttest.NewRM(t), clienttest.NewRM(t)
	a.SetStandby(b.Server.URL)
	b.SetStandby(a.Server.URL)
	opts := fastOpts()
	opts.FailoverWait = -1
	c := newClient(t, opts, a.Addr())
	_, err := c.Nodes(context.Background())
	if !errors.Is(err, client.ErrNoActiveRM) || !errors.Is(err, client.ErrTooManyRedirects) {
		t.Fatalf("err = %v", err)
	}
}

func TestClusterInfoPrefersTheActive(t *testing.T) {
	active, standby := clienttest.NewRM(t), clienttest.NewRM(t)
	standby.SetStandby(active.Server.URL)
	c := newClient(t, fastOpts(), standby.Addr(), active.Addr())
	info, err := c.ClusterInfo(context.Background())
	if err != nil || info.HAState != api.HAActive {
		t.Fatalf("ClusterInfo = %+v, %v", info, err)
	}
	only := newClient(t, fastOpts(), standby.Addr())
	info, err = only.ClusterInfo(context.Background())
	if err != nil || info.HAState != api.HAStandby {
		t.Fatalf("standby-only ClusterInfo = %+v, %v", info, err)
	}
	at, err := c.ClusterInfoAt(context.Background(), standby.Addr())
	if err != nil || at.HAState != api.HAStandby {
		t.Fatalf("ClusterInfoAt(standby) = %+v, %v", at, err)
	}
	if _, err := c.ClusterInfoAt(context.Background(), clienttest.DeadAddr(t)); !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("ClusterInfoAt(dead) err = %v", err)
	}
}

func TestRemoteExceptionDecoding(t *testing.T) {
	rm := clienttest.NewRM(t)
	c := newClient(t, fastOpts(), rm.Addr())
	_, err := c.App(context.Background(), appID)
	var re *yarn.RemoteException
	if !errors.As(err, &re) {
		t.Fatalf("err = %T %v, want *yarn.RemoteException", err, err)
	}
	if re.Status != 404 || re.Exception != "NotFoundException" || re.JavaClassName != yarn.ClassNotFound ||
		!strings.Contains(re.Message, appID.String()) || !client.IsNotFound(err) {
		t.Errorf("remote exception = %+v", re)
	}
	if got := client.Message(err); got != "app with id: "+appID.String()+" not found" {
		t.Errorf("Message = %q", got)
	}

	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "teapot says no", http.StatusTeapot)
	}))
	defer plain.Close()
	c2 := newClient(t, fastOpts(), plain.URL)
	_, err = c2.Metrics(context.Background())
	if !errors.As(err, &re) || re.Status != http.StatusTeapot || re.Message != "teapot says no" || client.StatusOf(err) != 418 {
		t.Errorf("plain error = %#v", err)
	}
}

func TestBadJSONIsErrBadResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("{not json"))
	}))
	defer srv.Close()
	c := newClient(t, fastOpts(), srv.URL)
	if _, err := c.Metrics(context.Background()); !errors.Is(err, client.ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
}

func TestKill(t *testing.T) {
	ctx := context.Background()
	t.Run("repeats while 202", func(t *testing.T) {
		rm := clienttest.NewRM(t)
		withApp(rm, api.AppRunning)
		rm.Kill202 = 2
		c := newClient(t, fastOpts(), rm.Addr())
		st, err := c.Kill(ctx, appID)
		if err != nil || st != api.AppKilled {
			t.Fatalf("Kill = %s, %v", st, err)
		}
		puts := 0
		for _, r := range rm.Received() {
			if r.Method == http.MethodPut {
				puts++
				if r.Body != `{"state":"KILLED"}` {
					t.Errorf("PUT body %q", r.Body)
				}
			}
		}
		if puts != 3 {
			t.Errorf("%d PUTs, want 3", puts)
		}
	})
	t.Run("already finished", func(t *testing.T) {
		rm := clienttest.NewRM(t)
		withApp(rm, api.AppFinished)
		st, err := newClient(t, fastOpts(), rm.Addr()).Kill(ctx, appID)
		if err != nil || st != api.AppFinished {
			t.Fatalf("Kill = %s, %v", st, err)
		}
	})
	t.Run("forbidden", func(t *testing.T) {
		rm := clienttest.NewRM(t)
		withApp(rm, api.AppRunning)
		rm.KillForbidden = "user bob may not kill " + appID.String()
		_, err := newClient(t, fastOpts(), rm.Addr()).Kill(ctx, appID)
		if client.StatusOf(err) != http.StatusForbidden || client.Message(err) != rm.KillForbidden {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		rm := clienttest.NewRM(t)
		withApp(rm, api.AppRunning)
		rm.Kill202 = 1 << 30
		opts := fastOpts()
		opts.KillWait = 50 * time.Millisecond
		st, err := newClient(t, opts, rm.Addr()).Kill(ctx, appID)
		if !errors.Is(err, client.ErrKillTimeout) || st != api.AppRunning {
			t.Fatalf("Kill = %s, %v", st, err)
		}
	})
}

func TestNewApplicationAndWaitApp(t *testing.T) {
	rm := clienttest.NewRM(t)
	c := newClient(t, fastOpts(), rm.Addr())
	ctx := context.Background()
	na, err := c.NewApplication(ctx)
	if err != nil || na.ApplicationID != appID || na.MaximumResourceCapability.MemoryMB != 8192 {
		t.Fatalf("NewApplication = %+v, %v", na, err)
	}
	withApp(rm, api.AppRunning)
	var seen []api.AppState
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitApp(ctx, appID, 5*time.Millisecond, func(a yarn.App) { seen = append(seen, a.State) })
		done <- err
	}()
	waitFor(t, func() bool { return len(rm.Received()) >= 3 })
	rm.Lock()
	rm.Apps[0].State, rm.Apps[0].FinalStatus = api.AppFinished, api.FinalSucceeded
	rm.Unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != api.AppRunning || seen[1] != api.AppFinished {
		t.Errorf("reports = %v, want [RUNNING FINISHED]", seen)
	}
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// A client given one RM learns the others from its answers (the
// X-Goyarn-Resourcemanagers header) and fails over to them when it dies.
func TestLearnsTheOtherRMs(t *testing.T) {
	second := clienttest.NewRM(t)
	withApp(second, api.AppRunning)
	var first *httptest.Server
	first = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(yarn.HeaderRMs, first.Listener.Addr().String()+","+second.Addr()+",not an address")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"clusterMetrics":{"activeNodes":3}}`))
	}))
	c := newClient(t, fastOpts(), first.Listener.Addr().String())
	if _, err := c.Metrics(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := c.Addresses(); len(got) != 2 || got[1] != second.Addr() {
		t.Fatalf("Addresses() = %v, want the first and %s", got, second.Addr())
	}
	first.Close()
	apps, err := c.Apps(context.Background(), client.AppsQuery{})
	if err != nil || len(apps) != 1 {
		t.Fatalf("after the first RM died: %v %+v", err, apps)
	}
	if c.Active() != second.Addr() {
		t.Errorf("Active() = %s, want %s", c.Active(), second.Addr())
	}
}
