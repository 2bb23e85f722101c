package webui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/webkit"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

// Core is what the pages read: consistent snapshots. *core.Core satisfies it.
type Core interface {
	App(id api.ApplicationID) (core.AppView, bool)
	Apps(keep func(*core.AppView) bool) []core.AppView
	Nodes() []core.NodeView
	Metrics() core.Metrics
	Queues() []scheduler.QueueInfo
}

// About describes this RM for the overview.
type About struct {
	ClusterID        string // the configured cluster id
	ClusterTimestamp int64  // the RM's cluster timestamp (ms)
	StartedOn        time.Time
	Version          string
	StoreName        string
	WebAddress       string // this RM's advertised host:port
}

// ActiveCore adapts the RM's "core of the current term, nil while standby"
// func to Deps.Active, keeping a nil *core.Core a nil Core.
func ActiveCore(f func() *core.Core) func() Core {
	return func() Core {
		if cr := f(); cr != nil {
			return cr
		}
		return nil
	}
}

// Deps are the UI's collaborators.
type Deps struct {
	// Active returns the core while this RM is active and nil while it is
	// not (required; see ActiveCore).
	Active func() Core
	// HA returns this RM's HA status; nil means no HA (always ACTIVE).
	HA func() HAStatus
	// About returns the overview's facts about this RM; nil shows none.
	About func() About
	// Metrics, when set, is served at /metrics (also on a standby).
	Metrics http.Handler
	// PeerTimeout bounds asking the other RMs for their own state when
	// the overview is rendered (default 1 s; negative: do not ask, show
	// what HA says).
	PeerTimeout time.Duration
	// Client makes those requests (default: a plain http.Client).
	Client *http.Client
	// RefreshSeconds is the auto-refresh period of the live pages
	// (default 5; negative: none).
	RefreshSeconds int
	// Logs, when set, serves aggregated container logs at
	// /cluster/containerlogs/<cid>/<user>[/<file>] (on a standby too).
	Logs   *AggregatedLogs
	Now    func() time.Time
	Logger *zap.Logger
}

// UI serves the pages.
type UI struct {
	deps    Deps
	log     *zap.Logger
	pages   *webkit.Pages
	handler http.Handler
}

// New parses the embedded templates and builds the handler.
func New(deps Deps) (*UI, error) {
	if deps.Active == nil {
		return nil, errNoCore
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.PeerTimeout == 0 {
		deps.PeerTimeout = time.Second
	}
	if deps.Client == nil {
		deps.Client = &http.Client{}
	}
	deps.RefreshSeconds = webkit.RefreshPeriod(deps.RefreshSeconds)
	u := &UI{deps: deps, log: deps.Logger.Named("webui")}
	var err error
	if u.pages, err = parsePages(u.log); err != nil {
		return nil, err
	}
	if u.handler, err = u.routes(); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *UI) ha() HAStatus {
	if u.deps.HA == nil {
		return HAStatus{}.normalized()
	}
	return u.deps.HA().normalized()
}

func (u *UI) about() About {
	if u.deps.About == nil {
		return About{}
	}
	return u.deps.About()
}

func (u *UI) routes() (http.Handler, error) {
	// Served by every RM, active or not: /static/, /metrics (see
	// webkit.Engine) and the overview.
	e, err := webkit.Engine(u.log, u.deps.Metrics)
	if err != nil {
		return nil, err
	}
	e.GET("/", u.overview)
	e.GET("/cluster", u.overview)
	e.GET("/cluster/cluster", u.overview) // YARN's About page
	// Aggregated logs are read from the store, not the core: any RM serves them.
	e.GET("/cluster/containerlogs/:id/:user", u.aggLogList)
	e.GET("/cluster/containerlogs/:id/:user/*file", u.aggLogFile)
	// Served by the active RM only; a standby redirects:
	active := e.Group("", u.requireActive)
	active.GET("/cluster/apps", u.apps)
	active.GET("/cluster/apps/:state", u.apps) // YARN's /cluster/apps/RUNNING form
	active.GET("/cluster/app/:id", u.app)
	active.GET("/cluster/nodes", u.nodes)
	active.GET("/cluster/scheduler", u.scheduler)
	e.NoRoute(u.requireActive, func(c *gin.Context) {
		u.errorPage(c, http.StatusNotFound, "Not found", "There is no page at %s.", c.Request.URL.Path)
	})
	return e, nil
}

const coreKey = "goyarn.webui.core"

// activeCore is the active core requireActive found for this request.
func activeCore(c *gin.Context) Core {
	cr, _ := c.Get(coreKey)
	return cr.(Core)
}

// Handler serves only the UI's own paths (see Owns).
func (u *UI) Handler() http.Handler { return u.handler }

// Owns reports whether a request path is the UI's: "/", "/cluster",
// "/cluster/…", "/static/…", and "/metrics" when a metrics handler is set.
func (u *UI) Owns(path string) bool {
	switch {
	case path == "/", path == "/cluster", strings.HasPrefix(path, "/cluster/"), strings.HasPrefix(path, "/static/"):
		return true
	case path == "/metrics":
		return u.deps.Metrics != nil
	}
	return false
}

// Wrap returns a handler serving the UI's paths itself and passing every
// other request to rest unchanged.
func (u *UI) Wrap(rest http.Handler) http.Handler {
	return webkit.Wrap(func(r *http.Request) bool { return u.Owns(r.URL.Path) }, u.handler, rest)
}

// retryAfter is how soon a standby that knows no active RM asks the
// browser to try again.
const retryAfter = 5

// requireActive lets a request through, with the core, while this RM is
// active. Otherwise, as YARN's RMWebAppFilter does, it answers with a 307 to
// the same URI on the active RM, or says that it knows none and asks the
// browser to retry.
func (u *UI) requireActive(c *gin.Context) {
	if cr := u.deps.Active(); cr != nil {
		c.Set(coreKey, cr)
		c.Next()
		return
	}
	if active, ok := u.ha().Active(); ok {
		target := "http://" + active.WebAddress + c.Request.URL.RequestURI()
		c.Header("Location", target)
		c.String(http.StatusTemporaryRedirect, "This is standby RM. The redirect url is: %s\n", target)
		c.Abort()
		return
	}
	c.Header("Refresh", strconv.Itoa(retryAfter))
	u.errorPage(c, http.StatusServiceUnavailable, "No active ResourceManager",
		"This ResourceManager is not active and knows of no active one. Can not find any active RM. Will retry in next %d seconds.", retryAfter)
	c.Abort()
}
