package webui

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
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

// Deps are the UI's collaborators.
type Deps struct {
	Core Core // required
	// HA returns this RM's HA status; nil means no HA (always ACTIVE).
	HA func() HAStatus
	// About returns the overview's facts about this RM; nil shows none.
	About func() About
	// Metrics, when set, is served at /metrics (also on a standby).
	Metrics http.Handler
	// RefreshSeconds is the auto-refresh period of the live pages
	// (default 5; negative: none).
	RefreshSeconds int
	Now            func() time.Time
	Logger         *zap.Logger
}

// UI serves the pages.
type UI struct {
	deps    Deps
	log     *zap.Logger
	tmpl    map[string]*template.Template
	handler http.Handler
}

// New parses the embedded templates and builds the handler.
func New(deps Deps) (*UI, error) {
	if deps.Core == nil {
		return nil, errNoCore
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.RefreshSeconds == 0 {
		deps.RefreshSeconds = 5
	}
	if deps.RefreshSeconds < 0 {
		deps.RefreshSeconds = 0
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	static, err := staticFiles()
	if err != nil {
		return nil, err
	}
	u := &UI{deps: deps, log: deps.Logger.Named("rm.webui"), tmpl: tmpl}
	u.handler = u.routes(static)
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

func (u *UI) routes(static http.FileSystem) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, v any) {
		u.log.Error("page handler panicked", zap.Any("panic", v), zap.String("path", c.Request.URL.Path))
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	e.RedirectTrailingSlash = false
	e.Use(u.standbyRedirect)
	e.GET("/", u.overview)
	e.GET("/cluster", u.overview)
	e.GET("/cluster/cluster", u.overview) // YARN's About page
	e.GET("/cluster/apps", u.apps)
	e.GET("/cluster/apps/:state", u.apps) // YARN's /cluster/apps/RUNNING form
	e.GET("/cluster/app/:id", u.app)
	e.GET("/cluster/nodes", u.nodes)
	e.GET("/cluster/scheduler", u.scheduler)
	e.StaticFS("/static", static)
	if u.deps.Metrics != nil {
		e.GET("/metrics", gin.WrapH(u.deps.Metrics))
	}
	e.NoRoute(func(c *gin.Context) {
		u.errorPage(c, http.StatusNotFound, "Not found", "There is no page at %s.", c.Request.URL.Path)
	})
	return e
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u.Owns(r.URL.Path) {
			u.handler.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}

// servedOnStandby are the paths a standby answers itself.
func servedOnStandby(path string) bool {
	switch {
	case path == "/", path == "/cluster", path == "/cluster/cluster", path == "/metrics",
		strings.HasPrefix(path, "/static/"):
		return true
	}
	return false
}

// standbyRedirect sends a standby's page requests to the active RM with a
// 307 and YARN's body; without a known active it says so and asks the
// browser to retry.
func (u *UI) standbyRedirect(c *gin.Context) {
	ha := u.ha()
	if !ha.standby() || servedOnStandby(c.Request.URL.Path) {
		c.Next()
		return
	}
	active, ok := ha.Active()
	if !ok {
		c.Header("Refresh", "5")
		u.errorPage(c, http.StatusServiceUnavailable, "No active ResourceManager",
			"This is a standby ResourceManager and it knows of no active one right now. Will retry in 5 seconds.")
		c.Abort()
		return
	}
	target := (&url.URL{Scheme: "http", Host: active.WebAddress, Path: c.Request.URL.Path,
		RawPath: c.Request.URL.RawPath, RawQuery: c.Request.URL.RawQuery}).String()
	c.Header("Location", target)
	c.String(http.StatusTemporaryRedirect, "This is standby RM. The redirect url is: %s\n", target)
	c.Abort()
}
