package engine

import (
	"context"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// Context is what the user's main gets on the driver: the program's
// arguments and configuration, and the way to make datasets. It is a
// context.Context too: it ends when the process is told to stop, and every
// action stops with it.
type Context struct {
	context.Context
	app *App
	cfg Config
	d   *driver
	log *zap.Logger
}

func newContext(ctx context.Context, app *App, cfg Config, d *driver) *Context {
	return &Context{Context: ctx, app: app, cfg: cfg, d: d, log: cfg.Logger.Named("main")}
}

// Args are the program's arguments (without the program name).
func (c *Context) Args() []string { return append([]string(nil), c.cfg.Args...) }

// Conf returns the --conf value of key, or "".
func (c *Context) Conf(key string) string { return c.cfg.Conf[key] }

// AppID is the YARN application id (a "local-…" id in local mode).
func (c *Context) AppID() string { return c.cfg.AppID }

// AppName is spark.app.name, else the App's name.
func (c *Context) AppName() string {
	if n := c.cfg.Conf[protocol.ConfAppName]; n != "" {
		return n
	}
	return c.app.name
}

// Logger logs to the driver's log (stderr).
func (c *Context) Logger() *zap.Logger { return c.log }

// DefaultParallelism is spark.default.parallelism, else the total cores of
// the registered executors (at least 1): the partition count of
// Parallelize, Range and the shuffles when they are given 0.
func (c *Context) DefaultParallelism() int {
	if s, err := parseSettings(c.cfg.Conf); err == nil && s.parallelism > 0 {
		return s.parallelism
	}
	return max(1, c.d.sched.TotalCores())
}
