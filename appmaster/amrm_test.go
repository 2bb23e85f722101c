package appmaster_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/amtest"
)

var size = api.Res(1024, 1)

// newClient returns a registered-not client for the RMs at addrs.
func newClient(t *testing.T, rm *amtest.FakeRM, tweak func(*appmaster.Config), addrs ...string) *appmaster.AMRMClient {
	t.Helper()
	cfg := appmaster.DefaultConfig()
	cfg.RMAddresses, cfg.AttemptID, cfg.Token = addrs, rm.Attempt(), rm.Token()
	cfg.MaxWait, cfg.BackoffBase, cfg.BackoffMax = 10*time.Second, 5*time.Millisecond, 20*time.Millisecond
	cfg.FinishPollInterval = time.Millisecond
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := appmaster.NewAMRMClient(cfg, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func register(t *testing.T, c *appmaster.AMRMClient) {
	t.Helper()
	if _, err := c.Register(context.Background(), "am-host", 0, ""); err != nil {
		t.Fatalf("register: %v", err)
	}
}

func allocate(t *testing.T, c *appmaster.AMRMClient) *appmaster.Allocation {
	t.Helper()
	a, err := c.Allocate(context.Background())
	if err != nil {
		t.Fatalf("allocate: %v", err)
	}
	return a
}

func ids(cs []rpc.Container) []api.ContainerID {
	out := make([]api.ContainerID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func lastAsks(rm *amtest.FakeRM) []rpc.ResourceRequest {
	reqs := rm.AllocateRequests()
	return reqs[len(reqs)-1].Asks
}

func TestRegisterAllocateFinish(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	nm := amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	ctx := context.Background()

	if _, err := c.Allocate(ctx); !errors.Is(err, appmaster.ErrNotRegistered) {
		t.Fatalf("allocate before register: err = %v, want ErrNotRegistered", err)
	}
	resp, err := c.Register(ctx, "am-host", 4040, "http://am-host:4040")
	if err != nil {
		t.Fatal(err)
	}
	if resp.MaximumCapability != api.Res(8192, 32) || c.RegisterResponse().Queue != "default" {
		t.Errorf("register response = %+v", resp)
	}
	if got := rm.Registrations(); len(got) != 1 || got[0].Host != "am-host" || got[0].RPCPort != 4040 {
		t.Errorf("registrations = %+v", got)
	}
	if err := c.AddRequest(1, size, 2); err != nil {
		t.Fatal(err)
	}
	c.SetProgress(0.25)
	a := allocate(t, c)
	if len(a.Allocated) != 2 || a.Allocated[0].NodeID != nm.NodeID() || a.Allocated[0].Token.ContainerID != a.Allocated[0].ID {
		t.Fatalf("allocated = %+v", a.Allocated)
	}
	if c.Outstanding(1, size) != 0 || rm.Outstanding(1, size) != 0 {
		t.Errorf("outstanding client %d, RM %d, want 0 and 0", c.Outstanding(1, size), rm.Outstanding(1, size))
	}
	if req := rm.AllocateRequests()[0]; req.Progress != 0.25 || req.ResponseID != 0 {
		t.Errorf("first allocate request = %+v", req)
	}

	rm.HoldFinish(2) // the RM answers "not yet" twice; the client polls
	if err := c.Finish(ctx, api.FinalSucceeded, "all done", ""); err != nil {
		t.Fatal(err)
	}
	fin, ok := rm.Unregistered()
	if !ok || fin.FinalStatus != api.FinalSucceeded || fin.Diagnostics != "all done" || len(rm.Finishes()) != 3 {
		t.Errorf("finish = %+v (unregistered %v), %d calls", fin, ok, len(rm.Finishes()))
	}
}

func TestAddRequestRejectsBadInput(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	c := newClient(t, rm, nil, rm.Addr())
	for name, err := range map[string]error{
		"zero count":        c.AddRequest(1, size, 0),
		"negative priority": c.AddRequest(-1, size, 1),
		"zero memory":       c.AddRequest(1, api.Res(0, 1), 1),
		"negative total":    c.SetRequest(1, size, -1),
	} {
		if !errors.Is(err, appmaster.ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
	if c.OutstandingTotal() != 0 {
		t.Errorf("bad requests changed the outstanding total to %d", c.OutstandingTotal())
	}
}

func TestOutstandingAsksAreTotals(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{Manual: true})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	big := api.Res(2048, 2)

	steps := []struct {
		name      string
		do        func()
		wantAsks  []rpc.ResourceRequest
		wantRM    int32 // RM's outstanding for (1, size) afterwards
		allocated int
	}{
		{"add 3", func() { _ = c.AddRequest(1, size, 3) }, []rpc.ResourceRequest{ask(1, size, 3)}, 3, 0},
		{"add 2 more sends the total 5", func() { _ = c.AddRequest(1, size, 2) }, []rpc.ResourceRequest{ask(1, size, 5)}, 5, 0},
		{"no change sends nothing", func() {}, nil, 5, 0},
		{"remove 1 and add another size", func() {
			_ = c.RemoveRequest(1, size, 1)
			_ = c.AddRequest(2, big, 1)
		}, []rpc.ResourceRequest{ask(1, size, 4), ask(2, big, 1)}, 4, 0},
		{"granted containers come off the total on both sides", func() { rm.Grant(1, 2) }, nil, 2, 2},
		{"add 1 after grants sends the remaining total", func() { _ = c.AddRequest(1, size, 1) }, []rpc.ResourceRequest{ask(1, size, 3)}, 3, 0},
		{"set cancels", func() { _ = c.SetRequest(1, size, 0) }, []rpc.ResourceRequest{ask(1, size, 0)}, 0, 0},
	}
	for _, s := range steps {
		s.do()
		a := allocate(t, c)
		if got := lastAsks(rm); !equalAsks(got, s.wantAsks) {
			t.Errorf("%s: sent asks %+v, want %+v", s.name, got, s.wantAsks)
		}
		if got := rm.Outstanding(1, size); got != s.wantRM {
			t.Errorf("%s: RM outstanding %d, want %d", s.name, got, s.wantRM)
		}
		if got := c.Outstanding(1, size); int32(got) != s.wantRM {
			t.Errorf("%s: client outstanding %d, want %d (as the RM)", s.name, got, s.wantRM)
		}
		if len(a.Allocated) != s.allocated {
			t.Errorf("%s: %d allocated, want %d", s.name, len(a.Allocated), s.allocated)
		}
	}
}

func ask(p int32, r api.Resource, n int32) rpc.ResourceRequest {
	return rpc.ResourceRequest{Priority: p, ResourceName: "*", Capability: r, NumContainers: n}
}

func equalAsks(a, b []rpc.ResourceRequest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLostResponseIsAnsweredAgain(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 3)
	rm.DropNextResponse()

	a := allocate(t, c) // the client retries the same request and gets the same answer
	granted := rm.Granted()
	if len(granted) != 3 || !equalIDs(ids(a.Allocated), ids(granted)) {
		t.Fatalf("allocated %v, RM granted %v", ids(a.Allocated), ids(granted))
	}
	reqs := rm.AllocateRequests()
	if len(reqs) != 2 || reqs[0].ResponseID != 0 || reqs[1].ResponseID != 0 {
		t.Fatalf("requests = %+v, want the same request twice", reqs)
	}
	a = allocate(t, c)
	if len(a.Allocated) != 0 {
		t.Errorf("containers delivered twice: %v", ids(a.Allocated))
	}
	if got := rm.AllocateRequests()[2].ResponseID; got != 1 {
		t.Errorf("next request sent responseId %d, want 1", got)
	}
	if c.OutstandingTotal() != 0 {
		t.Errorf("client outstanding %d, want 0", c.OutstandingTotal())
	}
}

// A failed allocate may have been taken by the RM; the next request then
// repeats its responseId, the RM answers from its cache and ignores the new
// asks. The client must re-send them.
func TestAsksAfterFailedAllocateAreResent(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{Manual: true})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, func(cfg *appmaster.Config) { cfg.MaxWait = 0 }, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 2)
	allocate(t, c)
	rm.Grant(1, 1)
	rm.DropNextResponse()
	if _, err := c.Allocate(context.Background()); err == nil {
		t.Fatal("allocate with a lost response and no retries succeeded")
	}
	_ = c.AddRequest(1, size, 3)

	a := allocate(t, c) // answered from the RM's cache: the lost container arrives
	if len(a.Allocated) != 1 {
		t.Fatalf("allocated %v, want the container of the lost response", ids(a.Allocated))
	}
	allocate(t, c) // the asks of the cached request go again
	if rm.Outstanding(1, size) != 4 || c.Outstanding(1, size) != 4 {
		t.Errorf("outstanding RM %d, client %d, want 4 and 4", rm.Outstanding(1, size), c.Outstanding(1, size))
	}
}

func TestResyncReregistersAndResendsAsks(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{Manual: true})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 3)
	_ = c.AddRequest(2, api.Res(2048, 1), 1)
	allocate(t, c)
	rm.Grant(1, 1)
	allocate(t, c)
	c.Release(rm.Granted()[0].ID)
	rm.SendResync()

	a := allocate(t, c)
	if !a.Resynced {
		t.Error("allocation not marked Resynced")
	}
	if n := len(rm.Registrations()); n != 2 {
		t.Fatalf("%d registrations, want 2", n)
	}
	last := rm.AllocateRequests()[len(rm.AllocateRequests())-1]
	want := []rpc.ResourceRequest{ask(1, size, 2), ask(2, api.Res(2048, 1), 1)}
	if last.ResponseID != 0 || !equalAsks(last.Asks, want) || len(last.Releases) != 1 {
		t.Errorf("after resync sent %+v, want responseId 0, asks %+v and the release", last, want)
	}
	if rm.Outstanding(1, size) != 2 {
		t.Errorf("RM outstanding %d, want 2", rm.Outstanding(1, size))
	}
}

func TestFailoverToTheActiveRM(t *testing.T) {
	rmA := amtest.NewFakeRM(t, amtest.RMOptions{Manual: true, Standby: true})
	rmB := amtest.NewFakeRM(t, amtest.RMOptions{Manual: true})
	amtest.NewFakeNM(t, rmB, amtest.NMOptions{Hold: true})
	c := newClient(t, rmB, nil, rmA.Addr(), rmB.Addr())

	register(t, c) // A answers NOT_ACTIVE, B registers
	if len(rmA.Registrations()) != 0 || len(rmB.Registrations()) != 1 || c.CurrentRM() != rmB.Addr() {
		t.Fatalf("registered with A %d, B %d times; current %s", len(rmA.Registrations()), len(rmB.Registrations()), c.CurrentRM())
	}
	_ = c.AddRequest(1, size, 2)
	allocate(t, c)

	// B goes standby, A becomes active without the AM's session.
	rmB.SetActive(false)
	rmA.SetActive(true)
	a := allocate(t, c)
	if !a.Resynced || len(rmA.Registrations()) != 1 || c.CurrentRM() != rmA.Addr() {
		t.Fatalf("resynced %v, A registrations %d, current %s", a.Resynced, len(rmA.Registrations()), c.CurrentRM())
	}
	if rmA.Outstanding(1, size) != 2 {
		t.Errorf("new active RM outstanding %d, want 2 (re-sent)", rmA.Outstanding(1, size))
	}
	if err := c.Finish(context.Background(), api.FinalSucceeded, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := rmA.Unregistered(); !ok {
		t.Error("not unregistered at the active RM")
	}
}

func TestRestartedRMReportsContainersTheAMNeverSaw(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{Manual: true})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 2)
	allocate(t, c)
	rm.Grant(1, 1)
	rm.Restart() // the answer carrying the grant is gone with the old RM

	a := allocate(t, c)
	if !a.Resynced || len(a.Allocated) != 1 || a.Allocated[0].ID != rm.Granted()[0].ID {
		t.Fatalf("resynced %v, allocated %v, want the granted container", a.Resynced, ids(a.Allocated))
	}
	if c.Outstanding(1, size) != 1 || rm.Outstanding(1, size) != 1 {
		t.Errorf("outstanding client %d, RM %d, want 1 and 1", c.Outstanding(1, size), rm.Outstanding(1, size))
	}
}

func TestShutdownAndUnknownAttempt(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	rm.SendShutdown()
	if _, err := c.Allocate(context.Background()); !errors.Is(err, appmaster.ErrShutdown) {
		t.Errorf("AM_SHUTDOWN: err = %v, want ErrShutdown", err)
	}

	// An RM on attempt 2 no longer serves attempt 1.
	rm2 := amtest.NewFakeRM(t, amtest.RMOptions{Attempt: api.AttemptID{App: amtest.DefaultAttempt.App, Attempt: 2}})
	old := newClient(t, rm, nil, rm2.Addr())
	_, err := old.Register(context.Background(), "h", 0, "")
	if !errors.Is(err, appmaster.ErrShutdown) || rpc.CodeOf(err) != rpc.CodeAttemptNotFound {
		t.Errorf("old attempt: err = %v, want ErrShutdown wrapping ATTEMPT_NOT_FOUND", err)
	}
}

func TestReleaseIsSentOnce(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 1)
	got := allocate(t, c).Allocated[0]
	c.Release(got.ID)
	a := allocate(t, c)
	allocate(t, c)
	if r := rm.Released(); len(r) != 1 || r[0] != got.ID {
		t.Errorf("released %v, want [%s] once", r, got.ID)
	}
	if len(a.Completed) != 1 || a.Completed[0].ContainerID != got.ID || a.Completed[0].ExitStatus != api.ExitAborted {
		t.Errorf("completed = %+v, want the released container", a.Completed)
	}
}

func equalIDs(a, b []api.ContainerID) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[api.ContainerID]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		if seen[x]--; seen[x] < 0 {
			return false
		}
	}
	return true
}
