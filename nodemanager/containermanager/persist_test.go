package containermanager

import (
	"sync"
	"testing"

	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

// gatedStore holds the first container write at a gate until released,
// and records what each write stored.
type gatedStore struct {
	Store
	mu      sync.Mutex
	gate    chan struct{}
	entered chan struct{}
	written []nmstate.Container
}

func (g *gatedStore) PutContainer(c nmstate.Container) error {
	g.mu.Lock()
	first := len(g.written) == 0 && g.gate != nil
	g.mu.Unlock()
	if first {
		close(g.entered)
		<-g.gate
	}
	g.mu.Lock()
	g.written = append(g.written, c)
	g.mu.Unlock()
	return nil
}

// Two writes of one container never leave the older state on disk: the
// first write is held in the store while the record changes and a second
// write starts; the last record stored is the newest.
func TestPersistNeverLeavesAStaleRecord(t *testing.T) {
	g := &gatedStore{gate: make(chan struct{}), entered: make(chan struct{})}
	m := &Manager{store: g}
	c := &container{rec: nmstate.Container{ExitStatus: 1}}

	first := make(chan struct{})
	go func() { m.persist(c); close(first) }()
	<-g.entered // the first write took its snapshot (ExitStatus 1) and waits in the store

	m.mu.Lock()
	c.rec.ExitStatus, c.rec.Acked = 2, true // a newer state
	m.mu.Unlock()
	second := make(chan struct{})
	go func() { m.persist(c); close(second) }()

	close(g.gate)
	<-first
	<-second
	g.mu.Lock()
	defer g.mu.Unlock()
	last := g.written[len(g.written)-1]
	if last.ExitStatus != 2 || !last.Acked {
		t.Fatalf("the store ends with %+v, an older state than the record's", last)
	}
}
