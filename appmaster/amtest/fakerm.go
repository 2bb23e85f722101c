package amtest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
)

// RMOptions configure a FakeRM; zero fields take the defaults.
type RMOptions struct {
	// Attempt is the only attempt the RM knows (default
	// appattempt_1700000000000_0001_000001).
	Attempt api.AttemptID
	// Secret signs container tokens and the AM token (default a fixed test
	// secret). Give every FakeRM of one test the same secret.
	Secret *security.Secret
	// Epoch of the first container ids (Restart bumps it).
	Epoch int64
	// Manual: grant containers only through Grant. Otherwise every
	// processed allocate grants every outstanding ask at once, round-robin
	// over the nodes (an ask with no node to go to waits).
	Manual bool
	// MinAllocation: granted containers are rounded up to multiples of it
	// in each non-zero dimension, as a real scheduler normalizes asks.
	MinAllocation api.Resource
	// Standby: start answering NOT_ACTIVE.
	Standby bool
}

// DefaultAttempt is the attempt a FakeRM serves unless told otherwise.
var DefaultAttempt = api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 1}, Attempt: 1}

// TestSecret is the cluster secret fakes use unless told otherwise.
func TestSecret() security.Secret {
	return security.NewSecret([]byte("amtest-cluster-secret-0123456789"))
}

type askKey struct {
	priority   int32
	capability api.Resource
}

// FakeRM is an RM's AM-facing RPC in one httptest server.
type FakeRM struct {
	srv    *httptest.Server
	opts   RMOptions
	secret security.Secret
	token  string

	mu            sync.Mutex
	active        bool
	registered    bool
	registrations []rpc.RegisterAMRequest
	allocates     []rpc.AllocateRequest
	finishes      []rpc.FinishAMRequest
	unregistered  bool
	holdFinish    int
	lastID        int64
	lastResp      *rpc.AllocateResponse
	asks          map[askKey]int32
	nodes         []api.NodeID
	nextNode      int
	epoch, seq    int64
	toDeliver     []rpc.Container
	done          []rpc.ContainerStatus
	live          map[api.ContainerID]rpc.Container
	granted       []rpc.Container
	released      []api.ContainerID
	dropNext      bool
	resyncNext    bool
	shutdownNext  bool
}

// NewFakeRM starts a FakeRM; the test's cleanup closes it.
func NewFakeRM(t testing.TB, opts RMOptions) *FakeRM {
	t.Helper()
	if opts.Attempt.IsZero() {
		opts.Attempt = DefaultAttempt
	}
	secret := TestSecret()
	if opts.Secret != nil {
		secret = *opts.Secret
	}
	rm := &FakeRM{
		opts: opts, secret: secret, token: security.AMToken(secret, opts.Attempt),
		active: !opts.Standby, asks: map[askKey]int32{}, live: map[api.ContainerID]rpc.Container{},
		epoch: opts.Epoch, seq: 1, // container 1 is the AM's
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+rpc.PathAMRegister, rm.handleRegister)
	mux.HandleFunc("POST "+rpc.PathAMAllocate, rm.handleAllocate)
	mux.HandleFunc("POST "+rpc.PathAMFinish, rm.handleFinish)
	rm.srv = httptest.NewServer(mux)
	t.Cleanup(rm.srv.Close)
	return rm
}

// Addr is the RM's RPC address (host:port).
func (rm *FakeRM) Addr() string { return rm.srv.Listener.Addr().String() }

// Attempt is the attempt the RM serves.
func (rm *FakeRM) Attempt() api.AttemptID { return rm.opts.Attempt }

// Token is the AM token the RM accepts.
func (rm *FakeRM) Token() string { return rm.token }

// Secret signs the RM's container tokens.
func (rm *FakeRM) Secret() security.Secret { return rm.secret }

// AMContainerID is the id of the attempt's AM container (for CONTAINER_ID).
func (rm *FakeRM) AMContainerID() api.ContainerID {
	return api.ContainerID{Attempt: rm.opts.Attempt, Epoch: rm.opts.Epoch, Seq: 1}
}

// AddNode makes node a place to grant containers on.
func (rm *FakeRM) AddNode(node api.NodeID) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.nodes = append(rm.nodes, node)
}

// SetActive makes the RM answer normally (true) or NOT_ACTIVE (false).
func (rm *FakeRM) SetActive(active bool) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.active = active
}

// Restart forgets the registration, the asks and the response history, as
// a newly active RM that recovered the application but not the AM's session:
// the AM's next allocate gets NOT_REGISTERED. Running containers are kept
// (the NMs report them) and container ids move to the next epoch.
func (rm *FakeRM) Restart() {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.registered, rm.lastID, rm.lastResp = false, 0, nil
	rm.asks = map[askKey]int32{}
	rm.toDeliver = nil
	rm.epoch++
}

// SendResync makes the next allocate answer AM_RESYNC and forget the
// registration.
func (rm *FakeRM) SendResync() { rm.set(func() { rm.resyncNext = true }) }

// SendShutdown makes the next allocate answer AM_SHUTDOWN.
func (rm *FakeRM) SendShutdown() { rm.set(func() { rm.shutdownNext = true }) }

// DropNextResponse makes the RM process the next allocate and then close
// the connection without answering: a lost response.
func (rm *FakeRM) DropNextResponse() { rm.set(func() { rm.dropNext = true }) }

// HoldFinish makes the next n finish calls answer "not yet unregistered".
func (rm *FakeRM) HoldFinish(n int) { rm.set(func() { rm.holdFinish = n }) }

func (rm *FakeRM) set(f func()) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	f()
}

// Grant grants up to n containers for the outstanding asks at priority
// (delivered with the next allocate answer) and returns how many it granted.
func (rm *FakeRM) Grant(priority int32, n int) int {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return rm.grantLocked(priority, n)
}

// GrantExtra grants a container nobody asked for (a scheduler race).
func (rm *FakeRM) GrantExtra(priority int32, capability api.Resource) rpc.Container {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	c := rm.newContainerLocked(priority, capability, rm.nodes[rm.nextNode%len(rm.nodes)])
	rm.nextNode++
	return c
}

func (rm *FakeRM) grantLocked(priority int32, n int) int {
	keys := make([]askKey, 0, len(rm.asks))
	for k := range rm.asks {
		if k.priority == priority || priority < 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b askKey) int {
		if a.priority != b.priority {
			return int(a.priority - b.priority)
		}
		return int(a.capability.MemoryMB - b.capability.MemoryMB)
	})
	granted := 0
	for _, k := range keys {
		for rm.asks[k] > 0 && granted < n && len(rm.nodes) > 0 {
			rm.asks[k]--
			rm.newContainerLocked(k.priority, k.capability, rm.nodes[rm.nextNode%len(rm.nodes)])
			rm.nextNode++
			granted++
		}
	}
	return granted
}

func (rm *FakeRM) newContainerLocked(priority int32, capability api.Resource, node api.NodeID) rpc.Container {
	rm.seq++
	id := api.ContainerID{Attempt: rm.opts.Attempt, Epoch: rm.epoch, Seq: rm.seq}
	res := normalize(capability, rm.opts.MinAllocation)
	tok := security.SignContainerToken(rm.secret, security.ContainerToken{
		ContainerID: id, NodeID: node, Resource: res, User: "tester", Priority: priority,
		ExpiresAt: time.Now().Add(10 * time.Minute).UnixMilli(),
	})
	c := rpc.Container{ID: id, NodeID: node, NodeHTTPAddress: node.String(), Resource: res, Priority: priority, Token: tok}
	rm.toDeliver = append(rm.toDeliver, c)
	rm.live[id] = c
	rm.granted = append(rm.granted, c)
	return c
}

func normalize(r, step api.Resource) api.Resource {
	up := func(v, s int64) int64 {
		if s <= 0 {
			return v
		}
		return (v + s - 1) / s * s
	}
	return api.Resource{MemoryMB: up(r.MemoryMB, step.MemoryMB), VCores: up(r.VCores, step.VCores)}
}

// Complete reports container id finished with exit (as its NM would); the
// status goes out with the next allocate answer.
func (rm *FakeRM) Complete(id api.ContainerID, exit int, diagnostics string) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.completeLocked(id, exit, diagnostics)
}

func (rm *FakeRM) completeLocked(id api.ContainerID, exit int, diagnostics string) {
	c, ok := rm.live[id]
	if !ok {
		return
	}
	delete(rm.live, id)
	rm.done = append(rm.done, rpc.ContainerStatus{
		ContainerID: id, State: api.RunComplete, ExitStatus: exit, Diagnostics: diagnostics,
		Resource: c.Resource, Priority: c.Priority,
	})
}
