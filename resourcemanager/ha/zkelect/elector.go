package zkelect

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/ha"
	"github.com/goyarn/goyarn/resourcemanager/ha/internal/eventq"
	"github.com/goyarn/goyarn/resourcemanager/ha/zkconn"
)

// Config configures an elector.
type Config struct {
	zkconn.Config
	// Self is this RM as the other RMs and the clients see it.
	Self ha.Candidate
	// DisconnectGrace is how long a leader that lost its ZooKeeper server
	// keeps leading while its session may still be alive. Zero means
	// SessionTimeout/6; it must stay below SessionTimeout/3 (see the
	// package doc).
	DisconnectGrace time.Duration
	// Now stamps events; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig is zkconn's default with the default grace; Self is left
// for the caller.
func DefaultConfig() Config { return Config{Config: zkconn.DefaultConfig()} }

var haIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate reports every problem at once.
func (c Config) Validate() error {
	errs := []error{c.Config.Validate()}
	if !haIDPattern.MatchString(c.Self.HAID) {
		errs = append(errs, fmt.Errorf("%w: ha id %q must be 1-64 of [A-Za-z0-9._-], starting alphanumeric", zkconn.ErrConfig, c.Self.HAID))
	}
	if c.DisconnectGrace < 0 || (c.SessionTimeout > 0 && c.DisconnectGrace >= c.SessionTimeout/3) {
		errs = append(errs, fmt.Errorf("%w: disconnect grace %s outside [0, session timeout/3)", zkconn.ErrConfig, c.DisconnectGrace))
	}
	return errors.Join(errs...)
}

func (c Config) grace() time.Duration {
	if c.DisconnectGrace > 0 {
		return c.DisconnectGrace
	}
	return c.SessionTimeout / 6
}

// Elector is the ZooKeeper elector.
type Elector struct {
	cfg    Config
	log    *zap.Logger
	now    func() time.Time
	conn   *zkconn.Conn
	acl    []zk.ACL
	data   []byte // the candidate JSON
	prefix string // <haId>-<elector id>-, the start of our node names
	q      *eventq.Queue

	kick    chan struct{} // wakes the campaign loop (capacity 1)
	stop    chan struct{}
	runDone chan struct{}

	mu         sync.Mutex
	closed     bool
	connState  ha.ConnState
	hasSession bool
	authed     bool   // credentials added (the client re-sends them on every connection)
	ensured    bool   // the election node exists
	gen        uint64 // bumps whenever what the campaign loop saw may be stale
	discSeq    uint64 // identifies the current disconnect, for its grace timer
	grace      *time.Timer
	leading    bool
	term       int64
	done       chan struct{}
	node       string          // the node we lead with
	abandoned  map[string]bool // our nodes to delete (resigned, duplicates)
	leader     *ha.Candidate
}

var _ ha.Elector = (*Elector)(nil)

// New validates cfg, starts connecting and campaigning, and returns at once:
// the elector reports Connecting until ZooKeeper answers, and is elected
// whenever it becomes the lowest candidate.
func New(cfg Config, secret security.Secret, log *zap.Logger) (*Elector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	data, err := json.Marshal(cfg.Self)
	if err != nil {
		return nil, err
	}
	var id [6]byte
	_, _ = rand.Read(id[:])
	e := &Elector{
		cfg: cfg, log: log.Named("ha.elector"), now: cfg.Now,
		acl: zkconn.ACL(secret), data: data, prefix: cfg.Self.HAID + "-" + hex.EncodeToString(id[:]) + "-",
		q: eventq.New(), kick: make(chan struct{}, 1), stop: make(chan struct{}), runDone: make(chan struct{}),
		connState: ha.Connecting, abandoned: map[string]bool{},
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.conn, err = zkconn.Dial(cfg.Config, secret, e.log, e.onEvent)
	if err != nil {
		e.q.Close()
		return nil, err
	}
	go e.run()
	return e, nil
}

// Events implements ha.Elector.
func (e *Elector) Events() <-chan ha.Event { return e.q.C() }

// IsLeader implements ha.Elector.
func (e *Elector) IsLeader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leading
}

// Leader implements ha.Elector.
func (e *Elector) Leader() (ha.Candidate, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.leader == nil {
		return ha.Candidate{}, false
	}
	return *e.leader, true
}

// ConnState implements ha.Elector.
func (e *Elector) ConnState() ha.ConnState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.connState
}

// Resign implements ha.Elector: leadership ends now (Done closes), and the
// node we led with is deleted, which elects the next candidate; this
// elector campaigns again with a new node behind the others. It returns
// when ZooKeeper confirmed the deletion; if ctx ends first, the campaign
// loop keeps deleting it, and no new term starts on that node.
func (e *Elector) Resign(ctx context.Context) error {
	e.mu.Lock()
	if !e.leading {
		e.mu.Unlock()
		return nil
	}
	e.deposeLocked("resigned")
	e.gen++
	node := e.node
	e.abandoned[node] = true
	e.mu.Unlock()
	e.wake()
	errc := make(chan error, 1)
	go func() { errc <- e.deleteAbandoned(node) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close implements ha.Elector. Leadership ends first (Done closes), then
// the session is closed, which removes the candidate node at once.
func (e *Elector) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.deposeLocked("elector closed")
	e.closed = true
	e.connState = ha.Closed
	e.hasSession = false
	if e.grace != nil {
		e.grace.Stop()
	}
	e.mu.Unlock()
	close(e.stop)
	e.conn.Close()
	<-e.runDone
	e.q.Close()
	return nil
}

// deposeLocked ends the current term, if any. Callers hold e.mu.
func (e *Elector) deposeLocked(reason string) {
	if !e.leading {
		return
	}
	e.leading = false
	e.leader = nil
	close(e.done)
	e.q.Push(ha.Event{Kind: ha.Deposed, Term: e.term, Reason: reason, At: e.now()})
	e.log.Warn("deposed", zap.Int64("term", e.term), zap.String("reason", reason))
}

// tryElect starts a term on node if nothing changed since the campaign loop
// read gen, and this elector is not leading already.
func (e *Elector) tryElect(gen uint64, node string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.leading || !e.hasSession || e.gen != gen || e.abandoned[node] {
		return
	}
	e.leading, e.node = true, node
	e.term++
	e.done = make(chan struct{})
	self := e.cfg.Self
	e.leader = &self
	e.q.Push(ha.Event{Kind: ha.Elected, Term: e.term, Done: e.done, At: e.now()})
	e.log.Info("elected", zap.Int64("term", e.term), zap.String("node", node))
}

func (e *Elector) wake() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}
