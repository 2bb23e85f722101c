package webkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// testPage is a daemon's page struct as the layout reads it.
type testPage struct {
	Title   string
	Nav     string
	Refresh int
	Now     time.Time
	Node    string
	Data    any
}

var testSite = fstest.MapFS{
	"templates/chrome.html": {Data: []byte(`{{define "daemon"}}TestDaemon {{.Node}}{{end}}` +
		`{{define "header"}}<span class="daemon">TestDaemon <b>{{.Node}}</b></span>{{end}}` +
		`{{define "version"}} v1.2{{end}}` +
		`{{define "home"}}<a href="/test">Back to the test overview</a>{{end}}`)},
	"templates/hello.html":  {Data: []byte(`{{define "content"}}<p id="hello">{{.Data}} {{mb 1536}} {{shout "hi"}}</p>{{end}}`)},
	"templates/broken.html": {Data: []byte(`{{define "content"}}{{.Data.Missing}}{{end}}`)},
}

// testEngine serves the pages of testSite: /hello (refreshing every 5 s),
// /broken (a template error), /nopage (no such page), /fail (an error page)
// and /panic.
func testEngine(t *testing.T) (http.Handler, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zap.InfoLevel)
	log := zap.New(core)
	pages, err := Parse(Site{FS: testSite, Chrome: []string{"templates/chrome.html"}, Pages: []string{"hello", "broken"},
		Funcs: map[string]any{"shout": strings.ToUpper}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "fake_metric 1\n") })
	e, err := Engine(log, metrics)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 5, 28, 59, 0, time.UTC)
	render := func(name string, status int, p testPage) gin.HandlerFunc {
		return func(c *gin.Context) {
			p.Now, p.Node, p.Refresh = now, "n1", Refresh(c, p.Refresh)
			pages.Render(c, status, name, p)
		}
	}
	e.GET("/hello", render("hello", http.StatusOK, testPage{Title: "Hello", Refresh: 5, Data: "world"}))
	e.GET("/broken", render("broken", http.StatusOK, testPage{Title: "Broken", Data: 42}))
	e.GET("/nopage", render("nopage", http.StatusOK, testPage{Title: "None"}))
	e.GET("/fail", render(ErrorPage, http.StatusNotFound, testPage{Title: "Gone",
		Data: Error(http.StatusNotFound, "Gone", "no %s here", "<thing>")}))
	e.GET("/panic", func(*gin.Context) { panic("boom") })
	return e, logs
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(body)
}

func TestRenderPutsThePageInTheChrome(t *testing.T) {
	h, _ := testEngine(t)
	for _, tc := range []struct {
		path    string
		status  int
		want    []string
		notWant []string
	}{
		{"/hello", 200, []string{"<!DOCTYPE html>", "<title>Hello · goyarn TestDaemon n1</title>",
			`<link rel="stylesheet" href="/static/goyarn.css">`, "<span class=\"daemon\">TestDaemon <b>n1</b></span>",
			"<h1>Hello</h1>", `<p id="hello">world 1.5 GB HI</p>`, `<meta http-equiv="refresh" content="5">`,
			"goyarn v1.2 · page rendered 2026-11-21 05:28:59 UTC · refreshes every 5s"}, nil},
		{"/hello?refresh=0", 200, []string{`<p id="hello">world`}, []string{"http-equiv", "refreshes every"}},
		{"/fail", 404, []string{"<h1>Gone</h1>", `<p class="big-status">404</p>`,
			`<p id="error-message">no &lt;thing&gt; here</p>`, `<a href="/test">Back to the test overview</a>`}, nil},
	} {
		res, body := get(t, h, tc.path)
		if res.StatusCode != tc.status || res.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
			res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d %q %q", tc.path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: body lacks %q\n%s", tc.path, w, body)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(body, w) {
				t.Errorf("GET %s: body has %q\n%s", tc.path, w, body)
			}
		}
	}
}

func TestRenderFailuresAreClean500s(t *testing.T) {
	h, logs := testEngine(t)
	for _, path := range []string{"/broken", "/nopage"} {
		res, body := get(t, h, path)
		if res.StatusCode != 500 || strings.Contains(body, "<html") || !strings.HasPrefix(body, "internal error rendering ") {
			t.Errorf("GET %s: %d %q", path, res.StatusCode, body)
		}
	}
	if n := logs.FilterMessage("rendering page failed").Len(); n != 2 {
		t.Errorf("%d render failures logged, want 2", n)
	}
	if res, _ := get(t, h, "/panic"); res.StatusCode != 500 || logs.FilterMessage("page handler panicked").Len() != 1 {
		t.Errorf("a panicking handler: %d, logged %d", res.StatusCode, logs.FilterMessage("page handler panicked").Len())
	}
}

func TestEngineServesStylesheetAndMetrics(t *testing.T) {
	h, _ := testEngine(t)
	if res, body := get(t, h, "/static/goyarn.css"); res.StatusCode != 200 || !strings.Contains(body, ".st-ok") {
		t.Errorf("stylesheet: %d %.60q", res.StatusCode, body)
	}
	if res, body := get(t, h, "/metrics"); res.StatusCode != 200 || body != "fake_metric 1\n" {
		t.Errorf("metrics: %d %q", res.StatusCode, body)
	}
	e, err := Engine(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := get(t, e, "/metrics"); res.StatusCode != 404 {
		t.Errorf("metrics without a handler: %d", res.StatusCode)
	}
}

func TestParseRefusesBadSites(t *testing.T) {
	for name, s := range map[string]Site{
		"no FS":         {Pages: []string{"hello"}},
		"missing page":  {FS: testSite, Chrome: []string{"templates/chrome.html"}, Pages: []string{"absent"}},
		"unknown func":  {FS: testSite, Chrome: []string{"templates/chrome.html"}, Pages: []string{"hello"}},
		"missing files": {FS: testSite, Chrome: []string{"templates/none.html"}},
	} {
		if _, err := Parse(s); err == nil {
			t.Errorf("%s: Parse succeeded", name)
		}
	}
}

func TestRefreshPeriodAndWrap(t *testing.T) {
	for in, want := range map[int]int{0: DefaultRefresh, -1: 0, 7: 7} {
		if got := RefreshPeriod(in); got != want {
			t.Errorf("RefreshPeriod(%d) = %d, want %d", in, got, want)
		}
	}
	mine := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "page") })
	rest := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "rest") })
	h := Wrap(func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/ui") }, mine, rest)
	for path, want := range map[string]string{"/ui/x": "page", "/ws/v1/x": "rest"} {
		if _, body := get(t, h, path); body != want {
			t.Errorf("GET %s went to %q, want %q", path, body, want)
		}
	}
}
