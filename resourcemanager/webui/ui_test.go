package webui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

type harness struct {
	t      *testing.T
	core   *fakeCore
	ha     HAStatus
	active bool // the core is served (this RM is active)
	ui     *UI
	h      http.Handler
}

// newHarness serves the fake core while ha is nil (no HA) or ACTIVE.
func newHarness(t *testing.T, ha *HAStatus) *harness {
	t.Helper()
	h := &harness{t: t, core: newFake(), active: ha == nil || ha.State == api.HAActive}
	deps := Deps{Now: func() time.Time { return now0 }, PeerTimeout: -1, // TestPeersDescribeThemselves asks

		Active: func() Core {
			if !h.active {
				return nil
			}
			return h.core
		},
		About: func() About {
			return About{ClusterID: "goyarn", ClusterTimestamp: 1700000000000, StartedOn: t0, Version: "v9.9", WebAddress: "rm1:8088"}
		},
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "goyarn_fake 1\n") }),
	}
	if ha != nil {
		h.ha = *ha
		deps.HA = func() HAStatus { return h.ha }
	}
	ui, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	h.ui = ui
	rest := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Rest", "yes")
		io.WriteString(w, "rest "+r.URL.Path)
	})
	h.h = ui.Wrap(rest)
	return h
}

func (h *harness) get(path string) (*http.Response, string) {
	h.t.Helper()
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// page fetches path, expects status, and checks that every want string is
// in the body and no notWant string is.
func (h *harness) page(path string, status int, want []string, notWant ...string) string {
	h.t.Helper()
	res, body := h.get(path)
	if res.StatusCode != status {
		h.t.Fatalf("GET %s: status %d, want %d\n%s", path, res.StatusCode, status, body)
	}
	if status < 300 && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		h.t.Errorf("GET %s: content type %q", path, res.Header.Get("Content-Type"))
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

func TestOverviewWithoutHA(t *testing.T) {
	h := newHarness(t, nil)
	for _, path := range []string{"/", "/cluster", "/cluster/cluster"} {
		h.page(path, 200, []string{
			`id="ha-state" class="ha-state ha-active">ACTIVE<`,
			"ResourceManager HA is not enabled.",
			`id="apps-submitted">7<`, `id="apps-pending">2<`, `id="apps-running">1<`, `id="apps-completed">3<`,
			`id="apps-failed">4<`, `id="apps-killed">5<`,
			`id="memory-used">2 GB <small>of 16 GB</small>`, `id="vcores-used">2 <small>of 16</small>`,
			`style="width: 12.5%"`, `id="containers-pending">6<`, `id="nodes-active">1<`,
			`/cluster/nodes?state=LOST`, "2026-11-21 05:28:59 UTC (3m 12s ago)", "v9.9",
			`<meta http-equiv="refresh" content="5">`, `href="/cluster/apps"`, `href="/cluster/nodes"`,
			`href="/cluster/scheduler"`, `href="/metrics"`, `href="/static/goyarn.css"`,
		}, "standby-notice")
	}
	h.page("/cluster?refresh=0", 200, nil, `http-equiv="refresh"`)
}

func TestOverviewActiveWithPeers(t *testing.T) {
	h := newHarness(t, &HAStatus{Enabled: true, ID: "rm1", State: api.HAActive, ZKState: "CONNECTED",
		Peers: []RMRef{{ID: "rm2", WebAddress: "rm2:8088", State: api.HAStandby}, {WebAddress: "rm3:8088"}}})
	h.page("/cluster", 200, []string{
		`ha-active">ACTIVE<`, `<b id="rm-id">rm1</b>`, `id="zk-state" class="st st-ok">CONNECTED<`,
		`<a href="http://rm2:8088/cluster">rm2:8088</a>`, "rm1 (this one)", `id="apps-submitted">7<`,
		`<a href="http://rm3:8088/cluster">rm3:8088</a>`, `<span class="muted">not active</span>`,
	}, "not enabled", "standby-notice")
}

func TestStandbyOverviewLinksToActive(t *testing.T) {
	h := newHarness(t, &HAStatus{Enabled: true, ID: "rm2", State: api.HAStandby, ZKState: "CONNECTED",
		Peers: []RMRef{{ID: "rm1", WebAddress: "rm1.example:8088", State: api.HAActive}, {ID: "rm3", WebAddress: "rm3:8088"}}})
	body := h.page("/cluster", 200, []string{
		`id="ha-state" class="ha-state ha-standby">STANDBY<`, `id="standby-notice"`,
		`<a id="active-rm-link" href="http://rm1.example:8088/cluster">rm1 at rm1.example:8088</a>`,
		"served by the active ResourceManager",
	}, `id="apps-submitted"`)
	if strings.Index(body, ">rm1<") > strings.Index(body, ">rm2 (this one)<") {
		t.Error("RMs are not listed by id")
	}
	h.page("/", 200, []string{"STANDBY"})
	// Other pages go to the active, with path and query kept.
	for path, want := range map[string]string{
		"/cluster/apps?state=RUNNING":           "http://rm1.example:8088/cluster/apps?state=RUNNING",
		"/cluster/app/application_1_0001":       "http://rm1.example:8088/cluster/app/application_1_0001",
		"/cluster/nodes":                        "http://rm1.example:8088/cluster/nodes",
		"/cluster/nonsense":                     "http://rm1.example:8088/cluster/nonsense",
		"/cluster/scheduler?refresh=0&x=%2F%3C": "http://rm1.example:8088/cluster/scheduler?refresh=0&x=%2F%3C",
	} {
		res, body := h.get(path)
		if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != want {
			t.Errorf("GET %s on a standby: %d Location %q, want 307 to %s", path, res.StatusCode, res.Header.Get("Location"), want)
		}
		if !strings.Contains(body, "This is standby RM. The redirect url is: "+want) {
			t.Errorf("GET %s on a standby: body %q", path, body)
		}
	}
	// Served locally: the stylesheet and the metrics.
	if res, _ := h.get("/static/goyarn.css"); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet on a standby: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, body := h.get("/metrics"); res.StatusCode != 200 || body != "goyarn_fake 1\n" {
		t.Errorf("metrics on a standby: %d %q", res.StatusCode, body)
	}
	// The REST API is not the UI's business, standby or not.
	if res, body := h.get("/ws/v1/cluster/apps"); res.Header.Get("X-Rest") != "yes" || body != "rest /ws/v1/cluster/apps" {
		t.Errorf("REST request not passed through: %q", body)
	}
}

func TestStandbyWithoutActive(t *testing.T) {
	h := newHarness(t, &HAStatus{Enabled: true, ID: "rm2", State: api.HAStandby, ZKState: "DISCONNECTED",
		Peers: []RMRef{{ID: "rm1", WebAddress: "rm1:8088"}}})
	h.page("/cluster", 200, []string{"STANDBY", "No active ResourceManager is known right now.", `st-bad">DISCONNECTED<`,
		`<a href="http://rm1:8088/cluster">rm1:8088</a>`, "unknown"})
	res, body := h.get("/cluster/apps")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Refresh") != "5" ||
		!strings.Contains(body, "Can not find any active RM. Will retry in next 5 seconds.") {
		t.Errorf("standby without an active: %d Refresh %q\n%s", res.StatusCode, res.Header.Get("Refresh"), body)
	}
}

// An RM without HA between start and its first term (or fenced) has no
// core: it says so and serves no cluster pages.
func TestRMWithoutCore(t *testing.T) {
	h := newHarness(t, nil)
	h.active = false
	h.ui.deps.HA = func() HAStatus { return HAStatus{State: api.HAInitializing} }
	h.page("/cluster", 200, []string{"ha-initializing\">INITIALIZING<", "ResourceManager HA is not enabled.",
		"served by the active ResourceManager"}, `id="apps-submitted"`)
	if res, _ := h.get("/cluster/nodes"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/cluster/nodes without a core: %d", res.StatusCode)
	}
}

// The overview asks every other RM for its own state: one answers (and
// names itself), one is down.
func TestPeersDescribeThemselves(t *testing.T) {
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ws/v1/cluster/info" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `{"clusterInfo":{"id":1,"haState":"STANDBY","haId":"rm3","haZooKeeperConnectionState":"CONNECTED"}}`)
	}))
	defer peer.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downAddr := strings.TrimPrefix(down.URL, "http://")
	down.Close()
	peerAddr := strings.TrimPrefix(peer.URL, "http://")

	h := newHarness(t, &HAStatus{Enabled: true, ID: "rm1", State: api.HAActive, ZKState: "CONNECTED",
		Peers: []RMRef{{WebAddress: peerAddr}, {ID: "rm2", WebAddress: downAddr}}})
	h.ui.deps.PeerTimeout = 5 * time.Second
	body := h.page("/cluster", 200, []string{
		`<td>rm3</td>`, `<a href="http://` + peerAddr + `/cluster">`, `st st-warn">STANDBY<`,
		`<td>rm2</td>`, `st st-bad">UNREACHABLE<`,
	})
	if i, j, k := strings.Index(body, "rm1 (this one)"), strings.Index(body, "<td>rm2</td>"), strings.Index(body, "<td>rm3</td>"); !(i < j && j < k) {
		t.Errorf("RMs not listed by id: rm1 at %d, rm2 at %d, rm3 at %d", i, j, k)
	}
}

// ActiveCore keeps a nil *core.Core a nil Core (no typed nil).
func TestActiveCoreAdapter(t *testing.T) {
	if got := ActiveCore(func() *core.Core { return nil })(); got != nil {
		t.Errorf("ActiveCore of nil = %#v, want nil", got)
	}
}

func TestInitializingRMIsNotActive(t *testing.T) {
	h := newHarness(t, &HAStatus{Enabled: true, ID: "rm1", State: api.HAInitializing,
		Peers: []RMRef{{ID: "rm2", WebAddress: "rm2:8088", State: api.HAActive}}})
	h.page("/cluster", 200, []string{"ha-initializing\">INITIALIZING<", `id="active-rm-link"`})
	if res, _ := h.get("/cluster/nodes"); res.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("an initializing RM served /cluster/nodes: %d", res.StatusCode)
	}
}

func TestAppsPageAndFilters(t *testing.T) {
	h := newHarness(t, nil)
	a1, a2 := app1.String(), app2.String()
	body := h.page("/cluster/apps", 200, []string{
		`<a href="/cluster/app/` + a1 + `">` + a1 + `</a>`, `<a href="/cluster/app/` + a2 + `">`,
		"SparkPi", "wordcount", `st st-ok">FINISHED<`, `st st-ok">SUCCEEDED<`, `st st-run">RUNNING<`,
		"42s", "2 containers", "2 GB, 2 vcores", `style="width: 50%"`, `All <small>2</small>`, `RUNNING <small>1</small>`,
	})
	if strings.Index(body, a2) > strings.Index(body, a1) {
		t.Error("applications are not listed newest first")
	}
	for _, path := range []string{"/cluster/apps?state=RUNNING", "/cluster/apps?state=running", "/cluster/apps/RUNNING",
		"/cluster/apps?states=RUNNING,ACCEPTED"} {
		h.page(path, 200, []string{a2}, a1)
	}
	h.page("/cluster/apps?state=FINISHED", 200, []string{a1, `class="current">FINISHED`}, "wordcount")
	h.page("/cluster/apps?state=KILLED", 200, []string{`id="no-apps"`, "No applications in KILLED."}, a1, a2)
	h.page("/cluster/apps?state=BOGUS", 400, []string{"&#34;BOGUS&#34; is not an application state"})
	h.page("/cluster/apps/<b>", 400, []string{"&lt;B&gt;"}, "<B>")
}

func TestAppPage(t *testing.T) {
	h := newHarness(t, nil)
	am := cid(att1, 1).String()
	h.page("/cluster/app/"+app1.String(), 200, []string{
		`id="final-status" class="st st-ok">SUCCEEDED<`, `id="app-state" class="st st-ok">FINISHED<`,
		`<a id="am-logs" href="http://nm1:8042/node/containerlogs/` + am + `/alice">logs</a>`,
		`<a href="http://nm1:8042/node">nm1:45454</a>`, att1.String(), "No live containers: the application has ended.",
		"2026-11-21 05:28:59 UTC", "42s",
	}, `http-equiv="refresh"`)
	exec := cid(att2, 2).String()
	h.page("/cluster/app/"+app2.String(), 200, []string{
		`id="container-` + exec + `"`, "executor", "ApplicationMaster",
		`<a class="container-logs" href="http://nm1:8042/node/containerlogs/` + exec + `/bob">logs</a>`,
		`<a class="container-logs" href="http://nm2:8042/node/containerlogs/` + cid(att2, 1).String() + `/bob">logs</a>`,
		`style="width: 50%"`, `http-equiv="refresh"`,
	})
}

func TestUnknownPagesAre404(t *testing.T) {
	h := newHarness(t, nil)
	h.page("/cluster/app/application_1700000000000_0099", 404, []string{"No such application", "application_1700000000000_0099 is not known"})
	h.page("/cluster/app/not-an-id", 404, []string{"&#34;not-an-id&#34; is not an application id."})
	h.page("/cluster/app/%3Cscript%3E", 404, []string{"&#34;&lt;script&gt;&#34;"}, "<script>")
	h.page("/cluster/nothing-here", 404, []string{"There is no page at /cluster/nothing-here."})
	h.page("/static/missing.css", 404, nil)
}

func TestEscaping(t *testing.T) {
	h := newHarness(t, nil)
	h.core.apps[0].Name = `<script>alert("name")</script>`
	h.core.apps[0].Diagnostics = `<img src=x onerror=alert(1)> & more`
	h.core.apps[0].TrackingURL = `javascript:alert(1)`
	h.core.apps[0].User = `a"lice`
	h.core.nodes[1].HealthReport = `<b>disk</b>`
	body := h.page("/cluster/app/"+app1.String(), 200, []string{
		`&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;`, `&lt;img src=x onerror=alert(1)&gt; &amp; more`,
		`href="#ZgotmplZ"`, "/a%22lice",
	}, `<script>`, `<img`, `href="javascript:`)
	_ = body
	h.page("/cluster/apps", 200, []string{`&lt;script&gt;`}, "<script>")
	h.page("/cluster/nodes", 200, []string{`&lt;b&gt;disk&lt;/b&gt;`}, "<b>disk")
}

func TestNodesPage(t *testing.T) {
	h := newHarness(t, nil)
	h.page("/cluster/nodes", 200, []string{
		`<a href="http://nm1:8042/node">nm1:45454</a>`, `st st-run">RUNNING<`, `st st-bad">LOST<`,
		`st st-ok">healthy<`, `st st-bad">unhealthy<`, "disk full", "1s ago", "3m 12s ago",
		"1 GB / 8 GB", "1 / 8", `style="width: 12.5%"`,
	})
	h.page("/cluster/nodes?state=LOST", 200, []string{"nm2:45454"}, "nm1:45454")
	h.page("/cluster/nodes?state=decommissioned", 200, []string{"No nodes in state DECOMMISSIONED."})
	h.page("/cluster/nodes?state=WHATEVER", 400, []string{"is not a node state"})
}

func TestSchedulerPage(t *testing.T) {
	h := newHarness(t, nil)
	h.page("/cluster/scheduler", 200, []string{
		`id="queue-root.default"`, `id="queue-root.batch"`, `padding-left: 1.4em`, `padding-left: 0em`,
		`class="qmax" style="width: 50%"`, `class="qused" style="width: 12.5%"`, `class="qcap" style="left: 40%"`,
		`st st-bad">STOPPED<`, "31.3%", "60%", "2 GB, 2 vcores", "1 / 0",
	})
}

func TestEmptyCluster(t *testing.T) {
	h := newHarness(t, nil)
	*h.core = fakeCore{}
	h.page("/cluster", 200, []string{`id="memory-used">0 MB <small>of 0 MB</small>`, `style="width: 0%"`})
	h.page("/cluster/apps", 200, []string{"No applications."})
	h.page("/cluster/nodes", 200, []string{"No nodes."})
	h.page("/cluster/scheduler", 200, []string{"The scheduler has no queues."})
}

func TestWrapRoutes(t *testing.T) {
	h := newHarness(t, nil)
	for path, ui := range map[string]bool{
		"/": true, "/cluster": true, "/cluster/apps": true, "/static/goyarn.css": true, "/metrics": true,
		"/ws/v1/cluster/info": false, "/isActive": false, "/clusterx": false, "/proxy/app/": false,
	} {
		res, _ := h.get(path)
		if got := res.Header.Get("X-Rest") == ""; got != ui {
			t.Errorf("%s: served by the UI = %v, want %v", path, got, ui)
		}
	}
	// Without a metrics handler /metrics is left to the REST handler.
	u, err := New(Deps{Active: func() Core { return newFake() }})
	if err != nil {
		t.Fatal(err)
	}
	if u.Owns("/metrics") {
		t.Error("the UI claims /metrics without a metrics handler")
	}
	if _, err := New(Deps{}); err == nil {
		t.Error("New without a core succeeded")
	}
}
