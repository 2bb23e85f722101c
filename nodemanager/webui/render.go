package webui

import (
	"embed"
	"html/template"
	"net/url"
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
// layout, templates/chrome.html (the NM's header, nav and footer) and
// templates/partials.html.
var pageNames = []string{"overview", "apps", "app", "containers", "container", "loglist", "logfile"}

func parsePages(log *zap.Logger) (*webkit.Pages, error) {
	return webkit.Parse(webkit.Site{FS: templateFS, Chrome: []string{"templates/chrome.html", "templates/partials.html"},
		Pages: pageNames, Funcs: nmFuncs, Logger: log})
}

// nmFuncs are the NM pages' own helpers.
var nmFuncs = template.FuncMap{
	// logsPath is a container's log list on this NM.
	"logsPath": func(id api.ContainerID, user string) string {
		return "/node/containerlogs/" + id.String() + "/" + url.PathEscape(user)
	},
	"fileLink": func(id api.ContainerID, user, name string) string {
		return "/node/containerlogs/" + id.String() + "/" + url.PathEscape(user) + "/" + url.PathEscape(name)
	},
	"rawLink": func(id api.ContainerID, name string) string {
		return "/ws/v1/node/containerlogs/" + id.String() + "/" + url.PathEscape(name)
	},
	"millis": func(ms int64) time.Time {
		if ms <= 0 {
			return time.Time{}
		}
		return time.UnixMilli(ms)
	},
}

// page is what every template gets; Data is the page's own.
type page struct {
	Title   string
	Nav     string
	Refresh int
	Now     time.Time
	Node    yarn.NodeInfo
	Data    any
}

// render fills in what every NM page shows and renders the page.
func (u *UI) render(c *gin.Context, status int, name string, p page) {
	p.Now = u.deps.Now()
	p.Node = u.deps.Node()
	p.Refresh = webkit.Refresh(c, p.Refresh)
	u.pages.Render(c, status, name, p)
}

func (u *UI) errorPage(c *gin.Context, status int, heading, format string, args ...any) {
	u.render(c, status, webkit.ErrorPage, page{Title: heading, Data: webkit.Error(status, heading, format, args...)})
}
