package webui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the content templates; each is parsed with layout.html.
var pageNames = []string{"overview", "apps", "app", "nodes", "scheduler", "error"}

// parseTemplates builds one template set per page: the layout plus the
// page's "content".
func parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).Funcs(rmFuncs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("webui: template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

func staticFiles() (http.FileSystem, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	return http.FS(sub), nil
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
	"indent":   func(depth int) float64 { return 1.4 * float64(depth) },
	"progress": func(p float64) float64 { return clampPercent(100 * p) },
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

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (u *UI) render(c *gin.Context, status int, name string, p page) {
	p.Now = u.deps.Now()
	p.HA = u.ha()
	p.About = u.about()
	if p.Refresh > 0 && c.Query("refresh") == "0" {
		p.Refresh = 0
	}
	var buf bytes.Buffer
	if err := u.tmpl[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		u.log.Error("rendering page failed", zap.String("page", name), zap.Error(err))
		c.String(http.StatusInternalServerError, "internal error rendering %s\n", name)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// errorData is the error page's.
type errorData struct {
	Status  int
	Heading string
	Message string
}

func (u *UI) errorPage(c *gin.Context, status int, heading, format string, args ...any) {
	u.render(c, status, "error", page{Title: heading, Data: errorData{Status: status, Heading: heading,
		Message: fmt.Sprintf(format, args...)}})
}
