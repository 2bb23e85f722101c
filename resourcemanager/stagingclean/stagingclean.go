package stagingclean

import (
	"context"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
)

// Store is what the cleaner needs of the object store.
type Store interface {
	DeleteAll(ctx context.Context, prefixURL string) error
}

// Config tunes a Cleaner.
type Config struct {
	Staging  string        // the cluster's staging URL (file:///dir, s3://bucket/prefix) or directory
	Queue    int           // apps waiting at most (default 4096)
	Attempts int           // deletes tried per app (default 3)
	Backoff  time.Duration // pause after a failed delete, doubled each time (default 1 s)
	Timeout  time.Duration // bound of one delete (default 2 min)
}

// Cleaner deletes finished applications' staging directories in the
// background. Finished is safe to call under any lock.
type Cleaner struct {
	cfg   Config
	store Store
	log   *zap.Logger
	queue chan api.ApplicationID
	done  chan struct{}
	stop  context.CancelFunc
	ctx   context.Context
	once  sync.Once
}

// New starts a cleaner; Close stops it. A staging of "" disables it.
func New(cfg Config, store Store, log *zap.Logger) *Cleaner {
	if cfg.Queue <= 0 {
		cfg.Queue = 4096
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	cfg.Staging = strings.TrimRight(cfg.Staging, "/")
	if strings.HasPrefix(cfg.Staging, "/") {
		cfg.Staging = "file://" + cfg.Staging
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Cleaner{cfg: cfg, store: store, log: log.Named("rm.staging"), queue: make(chan api.ApplicationID, cfg.Queue),
		done: make(chan struct{}), ctx: ctx, stop: cancel}
	go c.run()
	return c
}

// Finished is told of an application that ended; it never blocks.
func (c *Cleaner) Finished(id api.ApplicationID, sub api.SubmissionContext) {
	if c == nil || c.cfg.Staging == "" || strings.EqualFold(sub.AMContainer.Environment[api.EnvPreserveStaging], "true") {
		return
	}
	select {
	case c.queue <- id:
	default:
		c.log.Warn("staging clean-up queue full: the application's staging files stay", zap.String("app_id", id.String()))
	}
}

// Dir is the staging directory of app.
func (c *Cleaner) Dir(app api.ApplicationID) string {
	return objstore.Join(c.cfg.Staging, app.String())
}

// Close stops the worker (an app in progress is abandoned) and waits for it.
func (c *Cleaner) Close() {
	c.once.Do(func() {
		c.stop()
		<-c.done
	})
}

func (c *Cleaner) run() {
	defer close(c.done)
	for {
		select {
		case <-c.ctx.Done():
			return
		case id := <-c.queue:
			c.clean(id)
		}
	}
}

func (c *Cleaner) clean(id api.ApplicationID) {
	dir := c.Dir(id)
	pause := c.cfg.Backoff
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(c.ctx, c.cfg.Timeout)
		err := c.store.DeleteAll(ctx, dir)
		cancel()
		if err == nil {
			c.log.Debug("deleted the staging directory", zap.String("app_id", id.String()), zap.String("dir", dir))
			return
		}
		if attempt >= c.cfg.Attempts || c.ctx.Err() != nil {
			c.log.Warn("deleting the staging directory failed", zap.String("app_id", id.String()), zap.String("dir", dir), zap.Error(err))
			return
		}
		select {
		case <-c.ctx.Done():
			return
		case <-time.After(pause):
		}
		pause *= 2
	}
}
