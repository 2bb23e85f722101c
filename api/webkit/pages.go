package webkit

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

//go:embed templates/*.html
var templateFS embed.FS

// ErrorPage is the name of the error page every Pages has; its Data is an
// ErrorData.
const ErrorPage = "error"

// Site describes a daemon's pages to Parse.
type Site struct {
	// FS holds the daemon's templates.
	FS fs.FS
	// Chrome are the files of FS parsed with the layout for every page:
	// the daemon's definitions of "daemon", "header", "version" and
	// "home" (see templates/layout.html), and partials its pages share.
	Chrome []string
	// Pages are the daemon's page names: page n is FS's templates/n.html,
	// which defines "content".
	Pages []string
	// Funcs are the daemon's own template helpers, next to Funcs().
	Funcs template.FuncMap
	// Logger logs a page that fails to render (default: none).
	Logger *zap.Logger
}

// Pages are a daemon's parsed pages: each the shared layout, the daemon's
// chrome and the page's own "content".
type Pages struct {
	log  *zap.Logger
	tmpl map[string]*template.Template
}

// Parse builds one template set per page of s, plus ErrorPage.
func Parse(s Site) (*Pages, error) {
	if s.FS == nil {
		return nil, errors.New("webkit: Site.FS is required")
	}
	if s.Logger == nil {
		s.Logger = zap.NewNop()
	}
	base, err := template.New("layout.html").Funcs(Funcs()).Funcs(s.Funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	if len(s.Chrome) > 0 {
		if base, err = base.ParseFS(s.FS, s.Chrome...); err != nil {
			return nil, err
		}
	}
	p := &Pages{log: s.Logger, tmpl: make(map[string]*template.Template, len(s.Pages)+1)}
	add := func(name string, fsys fs.FS) error {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(fsys, "templates/"+name+".html"); err != nil {
			return fmt.Errorf("webkit: template %s: %w", name, err)
		}
		p.tmpl[name] = t
		return nil
	}
	if err := add(ErrorPage, templateFS); err != nil {
		return nil, err
	}
	for _, name := range s.Pages {
		if err := add(name, s.FS); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Render executes a page into a buffer first, so a template error becomes
// a clean 500 rather than half a page. data is what the templates get: the
// daemon's page struct, with at least Title, Nav, Refresh, Now and Data.
func (p *Pages) Render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.execute(&buf, name, data); err != nil {
		p.log.Error("rendering page failed", zap.String("page", name), zap.Error(err))
		c.String(http.StatusInternalServerError, "internal error rendering %s\n", name)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (p *Pages) execute(buf *bytes.Buffer, name string, data any) error {
	t, ok := p.tmpl[name]
	if !ok {
		return fmt.Errorf("webkit: no page %q", name)
	}
	return t.ExecuteTemplate(buf, "layout.html", data)
}

// ErrorData is the error page's Data.
type ErrorData struct {
	Status  int
	Heading string
	Message string
}

// Error is the error page's Data: status, heading and the message
// fmt.Sprintf(format, args...).
func Error(status int, heading, format string, args ...any) ErrorData {
	return ErrorData{Status: status, Heading: heading, Message: fmt.Sprintf(format, args...)}
}

// DefaultRefresh is the auto-refresh period of the live pages (seconds)
// when the daemon configures none.
const DefaultRefresh = 5

// RefreshPeriod is the auto-refresh period for a configured one: 0 is
// DefaultRefresh, a negative one none (0).
func RefreshPeriod(configured int) int {
	switch {
	case configured == 0:
		return DefaultRefresh
	case configured < 0:
		return 0
	}
	return configured
}

// Refresh is the auto-refresh period a page renders with: seconds, or 0
// when the request turns it off with ?refresh=0.
func Refresh(c *gin.Context, seconds int) int {
	if seconds > 0 && c.Query("refresh") == "0" {
		return 0
	}
	return seconds
}
