package webui

import (
	"embed"
	"html/template"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/webkit"
	"github.com/goyarn/goyarn/api/yarn"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageNames are the content templates; each is parsed with api/webkit's
// layout and templates/chrome.html (the RM's header, nav and footer).
var pageNames = []string{"overview", "apps", "app", "nodes", "scheduler", "agglogs", "agglogfile"}

func parsePages(log *zap.Logger) (*webkit.Pages, error) {
	return webkit.Parse(webkit.Site{FS: templateFS, Chrome: []string{"templates/chrome.html"}, Pages: pageNames,
		Funcs: rmFuncs, Logger: log})
}

// rmFuncs are the RM pages' own helpers: links to other daemons.
var rmFuncs = template.FuncMap{
	// logsURL is a container's log page on its NM, "" when unknown.
	"logsURL": func(nodeHTTP string, id api.ContainerID, user string) string {
		if nodeHTTP == "" || id.IsZero() {
			return ""
		}
		return yarn.ContainerLogsURL("http", nodeHTTP, id.String(), user)
	},
	// nodeURL is an NM's overview page, "" when unknown.
	"nodeURL": func(nodeHTTP string) string {
		if nodeHTTP == "" {
			return ""
		}
		return "http://" + nodeHTTP + "/node"
	},
	// rmURL is another RM's overview page.
	"rmURL": func(webAddress string) string {
		if webAddress == "" {
			return ""
		}
		return "http://" + webAddress + "/cluster"
	},
	// aggLogsURL is a container's aggregated logs page on the RM.
	"aggLogsURL": func(id api.ContainerID, user string) string { return AggregatedLogsPath(id, user, "") },
	"aggLogURL":  AggregatedLogsPath,
	"indent":     func(depth int) float64 { return 1.4 * float64(depth) },
	"progress":   func(p float64) float64 { return webkit.ClampPercent(100 * p) },
}

// page is what every template gets; Data is the page's own.
type page struct {
	Title   string
	Nav     string // which nav entry is current
	Refresh int    // seconds; 0: no auto-refresh
	Now     time.Time
	HA      HAStatus
	About   About
	Data    any
}

// render fills in what every RM page shows and renders the page.
func (u *UI) render(c *gin.Context, status int, name string, p page) {
	p.Now = u.deps.Now()
	p.HA = u.ha()
	p.About = u.about()
	p.Refresh = webkit.Refresh(c, p.Refresh)
	u.pages.Render(c, status, name, p)
}

func (u *UI) errorPage(c *gin.Context, status int, heading, format string, args ...any) {
	u.render(c, status, webkit.ErrorPage, page{Title: heading, Data: webkit.Error(status, heading, format, args...)})
}
