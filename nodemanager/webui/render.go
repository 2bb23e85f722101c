package webui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
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

var pageNames = []string{"overview", "apps", "app", "containers", "container", "loglist", "logfile", "error"}

// nmFuncs are the NM pages' own helpers.
var nmFuncs = template.FuncMap{
	"bytes": fmtBytes,
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

// fmtBytes shows a byte count: "512 B", "12.3 KB", "1.5 MB".
func fmtBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, units := float64(n)/1024, []string{"KB", "MB", "GB", "TB"}
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".") + " " + units[i]
}

func parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).Funcs(nmFuncs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
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

// page is what every template gets; Data is the page's own.
type page struct {
	Title   string
	Nav     string
	Refresh int
	Now     time.Time
	Node    yarn.NodeInfo
	Data    any
}

func (u *UI) render(c *gin.Context, status int, name string, p page) {
	p.Now = u.deps.Now()
	p.Node = u.deps.Node()
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

type errorData struct {
	Status  int
	Message string
}

func (u *UI) errorPage(c *gin.Context, status int, heading, format string, args ...any) {
	u.render(c, status, "error", page{Title: heading, Data: errorData{Status: status, Message: fmt.Sprintf(format, args...)}})
}
