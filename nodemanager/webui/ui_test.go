package webui

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

var _ Containers = (*containermanager.Manager)(nil)

var (
	t0   = time.Date(2026, 11, 21, 5, 28, 59, 0, time.UTC)
	now0 = t0.Add(3*time.Minute + 12*time.Second)
	app1 = api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 1}
	att1 = api.AttemptID{App: app1, Attempt: 1}
	am   = api.ContainerID{Attempt: att1, Epoch: 1, Seq: 1}
	exe  = api.ContainerID{Attempt: att1, Epoch: 1, Seq: 2}
	node = api.NodeID{Host: "nm1", Port: 45454}
)

type fakeContainers struct {
	list []containermanager.ContainerInfo
}

func (f *fakeContainers) Containers() []containermanager.ContainerInfo { return f.list }

func (f *fakeContainers) Container(id api.ContainerID) (containermanager.ContainerInfo, error) {
	for _, c := range f.list {
		if c.ID == id {
			return c, nil
		}
	}
	return containermanager.ContainerInfo{}, fmt.Errorf("%w: %s", containermanager.ErrUnknownContainer, id)
}

func (f *fakeContainers) Apps() []containermanager.AppInfo {
	var out []containermanager.AppInfo
	for _, c := range f.list {
		if len(out) == 0 || out[len(out)-1].ID != c.ID.App() {
			out = append(out, containermanager.AppInfo{ID: c.ID.App(), User: c.User, State: api.NMAppRunning})
		}
		out[len(out)-1].Containers = append(out[len(out)-1].Containers, c.ID)
	}
	return out
}

func (f *fakeContainers) Allocated() api.Resource {
	var r api.Resource
	for _, c := range f.list {
		if !c.Complete {
			r = r.Add(c.Resource)
		}
	}
	return r
}

type harness struct {
	t  *testing.T
	cs *fakeContainers
	h  http.Handler
	ui *UI
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newHarness: a finished AM container of alice with stdout and stderr, a
// running executor without logs.
func newHarness(t *testing.T) *harness {
	t.Helper()
	dir := t.TempDir()
	amLogs := filepath.Join(dir, "logs", am.String())
	writeFile(t, filepath.Join(amLogs, "stdout"), "Pi is roughly 3.14159\n<script>alert(1)</script>\n")
	writeFile(t, filepath.Join(amLogs, "stderr"), "")
	writeFile(t, filepath.Join(dir, "secret"), "do not serve")
	h := &harness{t: t, cs: &fakeContainers{list: []containermanager.ContainerInfo{
		{ID: am, User: "alice", State: api.NMContainerExitedSuccess, Complete: true, ExitStatus: 0,
			Resource: api.Res(1024, 1), LogDir: amLogs, WorkDir: "/work/" + am.String(), StartedAt: t0, FinishedAt: t0.Add(42 * time.Second)},
		{ID: exe, User: "alice", State: api.NMContainerRunning, ExitStatus: api.ExitInvalid, Resource: api.Res(2048, 2),
			LogDir: filepath.Join(dir, "logs", exe.String()), StartedAt: t0.Add(time.Second), Diagnostics: "<b>bold</b>"},
	}}}
	ui, err := New(Deps{Containers: h.cs, HTTPAddress: "nm1:8042", Now: func() time.Time { return now0 },
		Node: func() yarn.NodeInfo {
			return yarn.NodeInfo{ID: node, NodeHostName: "nm1", TotalPmemAllocatedContainersMB: 8192,
				TotalVCoresAllocatedContainers: 8, NodeHealthy: true, HealthReport: "disks ok",
				LastNodeUpdateTime: now0.Add(-2 * time.Second).UnixMilli(), NMStartupTime: t0.UnixMilli(), NodeManagerVersion: "v9.9"}
		},
		RM: func() RMStatus {
			return RMStatus{Address: "rm1:8030", Registered: true, LastHeartbeat: now0.Add(-time.Second)}
		},
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "goyarn_nm_fake 1\n") }),
	})
	if err != nil {
		t.Fatal(err)
	}
	h.ui = ui
	h.h = ui.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Rest", "yes")
		io.WriteString(w, "rest "+r.URL.Path)
	}))
	return h
}

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

func (h *harness) do(path, accept string) (*http.Response, string) {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(body)
}

func (h *harness) page(path string, status int, want []string, notWant ...string) string {
	h.t.Helper()
	res, body := h.do(path, browserAccept)
	if res.StatusCode != status {
		h.t.Fatalf("GET %s: status %d, want %d\n%s", path, res.StatusCode, status, body)
	}
	if res.Header.Get("X-Rest") != "" {
		h.t.Fatalf("GET %s went to the REST handler", path)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			h.t.Errorf("GET %s: body lacks %q", path, w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(body, w) {
			h.t.Errorf("GET %s: body has %q", path, w)
		}
	}
	if h.t.Failed() {
		h.t.Logf("body of %s:\n%s", path, body)
	}
	return body
}

func TestOverview(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/", "/node", "/node/node"} {
		h.page(path, 200, []string{
			"NodeManager nm1:45454", `id="node-id">nm1:45454<`, "rm1:8030", "REGISTERED", "last heartbeat 1s ago",
			`id="memory-used">2 GB <small>of 8 GB</small>`, `id="vcores-used">2 <small>of 8</small>`, `style="width: 25%"`,
			`st st-run">RUNNING<`, `st st-ok">EXITED_WITH_SUCCESS<`, "healthy", "disks ok", "checked 2s ago",
			"2026-11-21 05:28:59 UTC (3m 12s ago)", "v9.9", `http-equiv="refresh" content="5"`,
			`href="/node/allContainers"`, `href="/node/allApplications"`, `href="/metrics"`,
		})
	}
	h.page("/node?refresh=0", 200, nil, `http-equiv="refresh"`)
}

func TestContainersAndApps(t *testing.T) {
	h := newHarness(t)
	h.page("/node/allContainers", 200, []string{
		`<a href="/node/container/` + am.String() + `">`, `<a class="logs" href="/node/containerlogs/` + am.String() + `/alice">logs</a>`,
		"42s", "2 GB, 2 vcores", "3m 11s",
	})
	h.page("/node/allApplications", 200, []string{`<a href="/node/application/` + app1.String() + `">`, "alice", "RUNNING"})
	h.page("/node/application/"+app1.String(), 200, []string{am.String(), exe.String()})
	h.page("/node/application/application_1700000000000_0009", 404, []string{"has no containers on this node"})
	h.page("/node/application/bogus", 404, []string{"is not an application id"})
}

func TestContainerPage(t *testing.T) {
	h := newHarness(t)
	h.page("/node/container/"+am.String(), 200, []string{
		`id="container-state" class="st st-ok">EXITED_WITH_SUCCESS<`, `id="exit-status">0<`,
		`<a class="log-file" href="/node/containerlogs/` + am.String() + `/alice/stdout">stdout</a>`,
		`href="/ws/v1/node/containerlogs/` + am.String() + `/stdout">raw</a>`, "48 B", "0 B",
		`id="logs-link" href="/node/containerlogs/` + am.String() + `/alice"`,
	}, `http-equiv="refresh"`)
	h.page("/node/container/"+exe.String(), 200, []string{"still running", `id="no-files"`, "&lt;b&gt;bold&lt;/b&gt;",
		`http-equiv="refresh"`}, "<b>bold")
	h.page("/node/container/container_e01_1700000000000_0001_01_000099", 404, []string{"is not on this node"})
	h.page("/node/container/nope", 404, []string{"&#34;nope&#34; is not a container id."})
}

func TestLogPages(t *testing.T) {
	h := newHarness(t)
	base := "/node/containerlogs/" + am.String() + "/alice"
	h.page(base, 200, []string{`href="` + base + `/stdout">stdout</a>`, `href="` + base + `/stderr">stderr</a>`, "exit status 0"})
	h.page(base+"/", 200, []string{"stdout"})
	h.page("/node/containerlogs/"+am.String()+"/mallory", 404, []string{"does not belong to user mallory"})
	h.page("/node/containerlogs/"+am.String()+"/mallory/stdout", 404, []string{"does not belong to user mallory"}, "Pi is")
	h.page(base+"/stdout", 200, []string{`<pre class="log" id="log">Pi is roughly 3.14159` + "\n" + `&lt;script&gt;alert(1)&lt;/script&gt;`,
		`id="raw-link" href="/ws/v1/node/containerlogs/` + am.String() + `/stdout"`}, "<script>", `id="partial"`)
	h.page(base+"/stdout?size=5", 200, []string{`id="log">Pi is<`, `id="partial"`, "Showing bytes 0 to 5 of 48"})
	h.page(base+"/stdout?size=-10", 200, []string{`id="log">&lt;/script&gt;` + "\n</pre>", "Showing bytes 38 to 48 of 48"})
	h.page(base+"/stdout?size=x", 400, []string{"size must be a whole number"})
	h.page(base+"/stderr", 200, []string{`id="empty-log"`})
	h.page(base+"/missing", 404, []string{"has no log file missing"})
	h.page(base+"/..%2Fsecret", 400, []string{"plain file name"}, "do not serve")
	h.page(base+"/..", 400, nil, "do not serve")
}

// Tools keep the raw text of a log file: only browsers get a page.
func TestRawLogsStayWithTheRESTHandler(t *testing.T) {
	h := newHarness(t)
	file := "/node/containerlogs/" + am.String() + "/alice/stdout"
	for _, tc := range []struct {
		path, accept string
		ui           bool
	}{
		{file, browserAccept, true},
		{file, "", false},
		{file, "*/*", false},
		{file, "text/plain", false},
		{file, "text/plain, text/html", false},
		{file, "text/html;q=0, */*", false},
		{file + "?raw", browserAccept, false},
		{file + "?raw=1&size=4", browserAccept, false},
		{"/node/containerlogs/" + am.String() + "/alice", "", true},
		{"/ws/v1/node/containerlogs/" + am.String() + "/stdout", browserAccept, false},
		{"/ws/v1/node/info", browserAccept, false},
		{"/node/allContainers", "", true},
		{"/metrics", "", true},
		{"/static/goyarn.css", "", true},
		{"/nodes", browserAccept, false},
	} {
		res, body := h.do(tc.path, tc.accept)
		if ui := res.Header.Get("X-Rest") == ""; ui != tc.ui {
			t.Errorf("GET %s (Accept %q): served by the UI = %v, want %v (%q)", tc.path, tc.accept, ui, tc.ui, body)
		}
	}
}

func TestNotFoundAndNew(t *testing.T) {
	h := newHarness(t)
	h.page("/node/whatever", 404, []string{"There is no page at /node/whatever."})
	if _, err := New(Deps{}); err == nil {
		t.Error("New without containers succeeded")
	}
	u, err := New(Deps{Containers: &fakeContainers{}, Node: func() yarn.NodeInfo { return yarn.NodeInfo{} }, RefreshSeconds: -1})
	if err != nil {
		t.Fatal(err)
	}
	if u.Owns(httptest.NewRequest(http.MethodGet, "/metrics", nil)) {
		t.Error("the UI claims /metrics without a metrics handler")
	}
	rec := httptest.NewRecorder()
	u.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/node", nil))
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "http-equiv") || !strings.Contains(rec.Body.String(), "unknown") {
		t.Errorf("empty node: %d\n%s", rec.Code, rec.Body.String())
	}
}

// A log longer than a page holds shows its end, says so, and links the rest.
func TestLongLogShowsItsEnd(t *testing.T) {
	h := newHarness(t)
	ci, _ := h.cs.Container(am)
	writeFile(t, filepath.Join(ci.LogDir, "big"), strings.Repeat("x", maxView)+"0123456789")
	body := h.page("/node/containerlogs/"+am.String()+"/alice/big", 200, []string{`id="partial"`,
		fmt.Sprintf("Showing bytes 10 to %d of %d", maxView+10, maxView+10), "xx0123456789</pre>"})
	if len(body) > maxView+10000 {
		t.Errorf("page is %d bytes for a %d byte view", len(body), maxView)
	}
}
