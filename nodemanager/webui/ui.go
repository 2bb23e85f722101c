package webui

import (
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/webkit"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

// Containers is what the pages read from the container manager.
// *containermanager.Manager satisfies it.
type Containers interface {
	Containers() []containermanager.ContainerInfo
	Container(id api.ContainerID) (containermanager.ContainerInfo, error)
	Apps() []containermanager.AppInfo
	Allocated() api.Resource
}

// RMStatus is the node's link to the ResourceManager.
type RMStatus struct {
	Address       string // the RM RPC address in use
	Registered    bool
	LastHeartbeat time.Time // last answered heartbeat
}

// Deps are the UI's collaborators.
type Deps struct {
	Containers Containers           // required
	Node       func() yarn.NodeInfo // required: id, totals, health, version
	// RM returns the node's link to the RM; nil shows it as unknown.
	RM func() RMStatus
	// HTTPAddress is this NM's advertised web host:port.
	HTTPAddress string
	// Metrics, when set, is served at /metrics.
	Metrics http.Handler
	// AggregatedLogsURL, when set, is where a container's logs page sends
	// the browser once the container's local logs are gone: the RM's page of
	// its aggregated logs ("" when there is none to send it to).
	AggregatedLogsURL func(id api.ContainerID, user, file string) string
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
	pages   *webkit.Pages
	handler http.Handler
}

// New parses the embedded templates and builds the handler.
func New(deps Deps) (*UI, error) {
	if deps.Containers == nil || deps.Node == nil {
		return nil, errors.New("webui: Deps.Containers and Deps.Node are required")
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	deps.RefreshSeconds = webkit.RefreshPeriod(deps.RefreshSeconds)
	u := &UI{deps: deps, log: deps.Logger.Named("nm.webui")}
	var err error
	if u.pages, err = parsePages(u.log); err != nil {
		return nil, err
	}
	if u.handler, err = u.routes(); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *UI) routes() (http.Handler, error) {
	e, err := webkit.Engine(u.log, u.deps.Metrics) // /static/ and /metrics
	if err != nil {
		return nil, err
	}
	// As the REST handler does: match on the escaped path, so an encoded
	// '/' in a file name reaches the handler (and is refused there).
	e.UseRawPath = true
	e.UnescapePathValues = true
	e.GET("/", u.overview)
	e.GET("/node", u.overview)
	e.GET("/node/node", u.overview)
	e.GET("/node/allApplications", u.apps)
	e.GET("/node/application/:id", u.app)
	e.GET("/node/allContainers", u.containers)
	e.GET("/node/container/:id", u.container)
	e.GET("/node/containerlogs/:id/:user", u.logList)
	e.GET("/node/containerlogs/:id/:user/*file", u.logFile)
	e.NoRoute(func(c *gin.Context) {
		u.errorPage(c, http.StatusNotFound, "Not found", "There is no page at %s.", c.Request.URL.Path)
	})
	return e, nil
}

// Handler serves only the UI's own requests (see Owns).
func (u *UI) Handler() http.Handler { return u.handler }

// Owns reports whether a request is the UI's: "/", "/node", "/node/…",
// "/static/…", "/metrics" when a metrics handler is set — except a single
// log file asked for by a client that does not prefer HTML, or with ?raw.
func (u *UI) Owns(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case p == "/", p == "/node", strings.HasPrefix(p, "/static/"):
		return true
	case p == "/metrics":
		return u.deps.Metrics != nil
	case strings.HasPrefix(p, "/node/containerlogs/"):
		rest := strings.TrimPrefix(r.URL.EscapedPath(), "/node/containerlogs/")
		if strings.Count(strings.TrimSuffix(rest, "/"), "/") < 2 {
			return true // the container's log list
		}
		_, raw := r.URL.Query()["raw"]
		return !raw && prefersHTML(r.Header.Get("Accept"))
	case strings.HasPrefix(p, "/node/"):
		return true
	}
	return false
}

// prefersHTML reports whether an Accept header names text/html before any
// plain-text or wildcard type (what browsers send, and curl does not).
func prefersHTML(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || params["q"] == "0" {
			continue
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			return true
		case "text/plain", "*/*", "text/*":
			return false
		}
	}
	return false
}

// Wrap returns a handler serving the UI's requests itself and passing every
// other one to rest unchanged.
func (u *UI) Wrap(rest http.Handler) http.Handler {
	return webkit.Wrap(u.Owns, u.handler, rest)
}
