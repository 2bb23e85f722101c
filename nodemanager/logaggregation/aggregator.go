package logaggregation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/logagg"
	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

// ObjectStore is where archives go (*objstore.Client).
type ObjectStore interface {
	Put(ctx context.Context, url string, r io.Reader, size int64, mode fs.FileMode) (objstore.Info, error)
}

// StateStore keeps the aggregator's records across a restart
// (*nmstate.Store).
type StateStore interface {
	PutLogAggregation(nmstate.LogAggregation) error
	DeleteLogAggregation(api.ApplicationID) error
	LoadLogAggregations() ([]nmstate.LogAggregation, error)
}

// Config is what the aggregator needs to know.
type Config struct {
	// RemoteDir is the remote-app-log-dir (a URL, or an absolute path for
	// file://).
	RemoteDir string
	NodeID    api.NodeID
	// TempDir holds archives while they are built (under a local dir).
	TempDir string
	// MaxBytesPerContainer caps each container's logs in the archive
	// (default 1 GiB).
	MaxBytesPerContainer int64
	// Attempts is how often an upload is tried before the status is FAILED
	// (default 4); the waits between double from RetryMin up to RetryMax
	// (defaults 2 s and 1 min).
	Attempts           int
	RetryMin, RetryMax time.Duration
	// AttemptTimeout bounds one upload (default 30 min).
	AttemptTimeout time.Duration
	// ReportRetain is how long a final status is kept (and re-reported to
	// every RM the node registers with) after it was reached (default 3 h).
	ReportRetain time.Duration
	// Parallel bounds the applications aggregated at once (default 2).
	Parallel int
}

// Deps are the aggregator's collaborators.
type Deps struct {
	Objects ObjectStore // required
	State   StateStore  // nil: nothing survives a restart
	Clock   func() time.Time
	Logger  *zap.Logger
}

// App is a finished application whose logs on this node are to be
// aggregated.
type App struct {
	ID         api.ApplicationID
	User       string
	Containers []Container
	FinishedAt time.Time
}

type entry struct {
	rec     nmstate.LogAggregation
	version int64 // bumped on every status change
	sent    int64 // version the RM last received
	running bool
}

// Aggregator uploads finished applications' logs, one archive per
// application, and keeps their statuses for the RM. Safe for concurrent use.
type Aggregator struct {
	cfg  Config
	deps Deps
	log  *zap.Logger
	sem  chan struct{}

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	apps    map[api.ApplicationID]*entry
	version int64
	closed  bool
}

// New returns an aggregator; call Recover, then Aggregate as applications
// finish, and Close at the end.
func New(cfg Config, deps Deps) (*Aggregator, error) {
	if cfg.RemoteDir == "" || deps.Objects == nil || cfg.NodeID.IsZero() || cfg.TempDir == "" {
		return nil, errors.New("logaggregation: need a remote dir, an object store, a node id and a temp dir")
	}
	if err := objstore.CheckURL(logagg.Base(cfg.RemoteDir)); err != nil {
		return nil, fmt.Errorf("logaggregation: remote-app-log-dir: %w", err)
	}
	if cfg.MaxBytesPerContainer <= 0 {
		cfg.MaxBytesPerContainer = 1 << 30
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 4
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = 2 * time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = time.Minute
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 30 * time.Minute
	}
	if cfg.ReportRetain <= 0 {
		cfg.ReportRetain = 3 * time.Hour
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 2
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Aggregator{cfg: cfg, deps: deps, log: deps.Logger.Named("nm.logaggregation"), sem: make(chan struct{}, cfg.Parallel),
		ctx: ctx, cancel: cancel, apps: map[api.ApplicationID]*entry{}}, nil
}

// Recover loads the records of an earlier run: final statuses are kept for
// reporting, unfinished aggregations start again.
func (g *Aggregator) Recover() error {
	if g.deps.State == nil {
		return nil
	}
	recs, err := g.deps.State.LoadLogAggregations()
	if err != nil {
		g.log.Warn("some log aggregation records could not be read", zap.Error(err))
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, r := range recs {
		e := &entry{rec: r}
		g.version++
		e.version = g.version
		g.apps[r.ID] = e
		if !r.Status.Final() {
			g.startLocked(e)
		}
	}
	return nil
}

// Aggregate starts uploading app's logs in the background, unless this
// application is already known (being aggregated, or done).
func (g *Aggregator) Aggregate(app App) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed || g.apps[app.ID] != nil {
		return
	}
	rec := nmstate.LogAggregation{ID: app.ID, User: app.User, Status: api.LogAggNotStart,
		FinishedAt: app.FinishedAt.UnixMilli(), UpdatedAt: g.deps.Clock().UnixMilli()}
	for _, c := range app.Containers {
		rec.Containers = append(rec.Containers, nmstate.LogDir{ID: c.ID, Dir: c.LogDir})
	}
	e := &entry{rec: rec}
	g.version++
	e.version = g.version
	g.apps[app.ID] = e
	g.persistLocked(e)
	g.startLocked(e)
}

func (g *Aggregator) persistLocked(e *entry) {
	if g.deps.State == nil {
		return
	}
	if err := g.deps.State.PutLogAggregation(e.rec); err != nil {
		g.log.Error("persisting log aggregation record failed", zap.String("app_id", e.rec.ID.String()), zap.Error(err))
	}
}

func (g *Aggregator) startLocked(e *entry) {
	if e.running || g.closed {
		return
	}
	e.running = true
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.run(e)
	}()
}

// setStatus records a status change and persists it.
func (g *Aggregator) setStatus(e *entry, s api.LogAggregationStatus, diag string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e.rec.Status == s && e.rec.Diagnostics == diag {
		return
	}
	e.rec.Status, e.rec.Diagnostics, e.rec.UpdatedAt = s, diag, g.deps.Clock().UnixMilli()
	g.version++
	e.version = g.version
	g.persistLocked(e)
}

// run aggregates one application: build the archive, upload it, retry.
func (g *Aggregator) run(e *entry) {
	defer func() {
		g.mu.Lock()
		e.running = false
		g.mu.Unlock()
	}()
	select {
	case g.sem <- struct{}{}:
	case <-g.ctx.Done():
		return
	}
	defer func() { <-g.sem }()
	g.mu.Lock()
	rec := e.rec
	g.mu.Unlock()
	id := rec.ID
	url := logagg.NodeObject(g.cfg.RemoteDir, rec.User, id, g.cfg.NodeID)
	g.setStatus(e, api.LogAggRunning, "")
	backoff := g.cfg.RetryMin
	var last error
	for attempt := 1; attempt <= g.cfg.Attempts; attempt++ {
		st, err := g.upload(rec, url)
		if err == nil {
			g.setStatus(e, api.LogAggSucceeded, "")
			g.log.Info("application logs aggregated", zap.String("app_id", id.String()), zap.String("url", url),
				zap.Int("files", st.Files), zap.Int64("bytes", st.Bytes), zap.Int("containers_truncated", st.Truncated))
			return
		}
		if g.ctx.Err() != nil {
			return // shutting down: a restarted NM starts over
		}
		last = err
		if attempt == g.cfg.Attempts {
			break
		}
		g.setStatus(e, api.LogAggRunningWithFailure, fmt.Sprintf("attempt %d of %d failed: %v", attempt, g.cfg.Attempts, err))
		g.log.Warn("log aggregation failed; retrying", zap.String("app_id", id.String()), zap.Int("attempt", attempt),
			zap.Duration("backoff", backoff), zap.Error(err))
		t := time.NewTimer(backoff)
		select {
		case <-g.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, g.cfg.RetryMax)
	}
	g.setStatus(e, api.LogAggFailed, fmt.Sprintf("uploading to %s failed %d times: %v", url, g.cfg.Attempts, last))
	g.log.Error("log aggregation failed", zap.String("app_id", id.String()), zap.String("url", url), zap.Error(last))
}

// upload builds the archive in a temp file (Put needs its size) and puts
// it; the temp file is removed either way.
func (g *Aggregator) upload(rec nmstate.LogAggregation, url string) (ArchiveStats, error) {
	if err := os.MkdirAll(g.cfg.TempDir, 0o700); err != nil {
		return ArchiveStats{}, err
	}
	tmp, err := os.CreateTemp(g.cfg.TempDir, rec.ID.String()+".*.tar")
	if err != nil {
		return ArchiveStats{}, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	cs := make([]Container, 0, len(rec.Containers))
	for _, c := range rec.Containers {
		cs = append(cs, Container{ID: c.ID, LogDir: c.Dir})
	}
	st, err := WriteArchive(tmp, cs, g.cfg.MaxBytesPerContainer, g.deps.Clock())
	if err != nil {
		return st, fmt.Errorf("building the archive: %w", err)
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return st, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return st, err
	}
	ctx, cancel := context.WithTimeout(g.ctx, g.cfg.AttemptTimeout)
	defer cancel()
	_, err = g.deps.Objects.Put(ctx, url, tmp, size, 0o640)
	return st, err
}

// Status is an application's aggregation status on this node and when it
// was reached; ok is false for an application the aggregator does not know.
func (g *Aggregator) Status(id api.ApplicationID) (status api.LogAggregationStatus, at time.Time, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.apps[id]
	if e == nil {
		return "", time.Time{}, false
	}
	return e.rec.Status, time.UnixMilli(e.rec.UpdatedAt), true
}

// Reports returns the statuses for the RM: every one kept when all is set
// (a registration), else those that changed since the last acknowledged
// call. Calling ack after the RM answered marks them received.
func (g *Aggregator) Reports(all bool) ([]rpc.LogAggregationReport, func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []rpc.LogAggregationReport
	versions := map[api.ApplicationID]int64{}
	for id, e := range g.apps {
		if !all && e.sent >= e.version {
			continue
		}
		out = append(out, rpc.LogAggregationReport{ApplicationID: id, Status: e.rec.Status, Diagnostics: e.rec.Diagnostics})
		versions[id] = e.version
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ApplicationID.String() < out[j].ApplicationID.String() })
	return out, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		for id, v := range versions {
			if e := g.apps[id]; e != nil && e.sent < v {
				e.sent = v
			}
		}
	}
}

// Expire forgets final statuses reached more than ReportRetain before now.
func (g *Aggregator) Expire(now time.Time) {
	g.mu.Lock()
	var gone []api.ApplicationID
	for id, e := range g.apps {
		if e.rec.Status.Final() && !e.running && now.Sub(time.UnixMilli(e.rec.UpdatedAt)) >= g.cfg.ReportRetain {
			delete(g.apps, id)
			gone = append(gone, id)
		}
	}
	g.mu.Unlock()
	if g.deps.State == nil {
		return
	}
	for _, id := range gone {
		if err := g.deps.State.DeleteLogAggregation(id); err != nil {
			g.log.Warn("deleting log aggregation record failed", zap.String("app_id", id.String()), zap.Error(err))
		}
	}
}

// Close stops uploads in flight (a restarted NodeManager does them again)
// and waits for them.
func (g *Aggregator) Close() {
	g.mu.Lock()
	g.closed = true
	g.cancel()
	g.mu.Unlock()
	g.wg.Wait()
}
