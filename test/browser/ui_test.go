package browser

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/goyarn/goyarn/test/cluster"
)

var appIDRe = regexp.MustCompile(`application_\d+_\d+`)

// submitPi runs SparkPi in cluster mode with gosubmit and returns the
// application id once it has finished SUCCEEDED.
func submitPi(t *testing.T, c *cluster.Cluster) string {
	t.Helper()
	cmd := c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "cluster", "--num-executors", "2",
		"--executor-memory", "1g", filepath.Join(c.Bin, "pi"), "20")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("gosubmit pi: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	app := appIDRe.FindString(errb.String())
	if app == "" || !strings.Contains(errb.String(), "final status: SUCCEEDED") {
		t.Fatalf("gosubmit pi did not succeed:\n%s", errb.String())
	}
	return app
}

// needUI fails the test at once, saying why, when a daemon serves no web
// page at url (its UI is not wired in), rather than after a browser timeout.
func needUI(t *testing.T, url string) {
	t.Helper()
	if ct, body := get(t, url, "text/html"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("no web UI at %s (got %q: %.200q): is it wired into the daemon (resourcemanager/webui, nodemanager/webui)?", url, ct, body)
	}
}

// scrape fetches a /metrics page and returns the value of one sample line
// ("name{labels}"), failing the test when it is missing.
func scrape(t *testing.T, base, series string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatalf("scraping %s: %v", base, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				t.Fatalf("%s/metrics: bad sample %q", base, line)
			}
			return v
		}
	}
	t.Fatalf("%s/metrics has no %s (status %d)", base, series, res.StatusCode)
	return 0
}

// The web UI in a real browser: the RM's overview shows it ACTIVE; the
// finished pi application's page shows SUCCEEDED; the AM container's log link
// leads to the NM, whose stdout page holds the driver's answer. Screenshots of
// each step are saved; /metrics on the RM and an NM reflect the run.
func TestWebUIInBrowser(t *testing.T) {
	bin := chromium(t)
	c := cluster.Start(t, cluster.Options{NodeManagers: 2, NodeMemoryMB: 4096, NodeVCores: 4})
	app := submitPi(t, c)
	amCID := strings.Replace(app, "application", "container", 1) + "_01_000001"
	rm := c.Web()
	needUI(t, rm+"/cluster")
	needUI(t, "http://"+c.NMs[0].Addr("webAddress")+"/node")

	p := &page{t: t, ctx: newBrowser(t, bin), out: outputDir(t)}

	// The overview: this RM, ACTIVE in large type, no HA, cluster metrics.
	p.open(rm + "/cluster")
	if got := p.text("#ha-state"); got != "ACTIVE" {
		t.Errorf("/cluster shows HA state %q, want ACTIVE", got)
	}
	if got := p.text("#zk-state"); got != "ResourceManager HA is not enabled." {
		t.Errorf("/cluster ZooKeeper line %q", got)
	}
	if got := p.text("#apps-completed"); got != "1" {
		t.Errorf("/cluster counts %s completed applications, want 1", got)
	}
	if got := p.text("#nodes-active"); got != "2" {
		t.Errorf("/cluster counts %s active nodes, want 2", got)
	}
	p.screenshot("01-rm-cluster")

	// The application list, filtered as a user would, then the application.
	p.open(rm + "/cluster/apps?state=FINISHED")
	p.text(chromedp.CSS("#app-" + app))
	p.screenshot("02-rm-apps-finished")
	p.click(chromedp.CSS(`a[href="/cluster/app/` + app + `"]`))
	if got := p.text("#final-status"); got != "SUCCEEDED" {
		t.Errorf("application page shows final status %q, want SUCCEEDED", got)
	}
	if got := p.text("#app-state"); got != "FINISHED" {
		t.Errorf("application page shows state %q, want FINISHED", got)
	}
	if got := p.text("#app-name"); !strings.Contains(strings.ToLower(got), "pi") {
		t.Errorf("application page names the application %q", got)
	}
	logs := p.attr("#am-logs", "href")
	if !strings.HasSuffix(logs, "/node/containerlogs/"+amCID+"/tester") {
		t.Errorf("AM log link %q does not name the AM container %s and its user", logs, amCID)
	}
	// The executors that ran are listed with their exit status and logs.
	if got := p.text("#finished-containers"); strings.Count(got, "executor") < 2 || !strings.Contains(got, "COMPLETED") {
		t.Errorf("the finished application's page does not list its executors:\n%s", got)
	}
	p.screenshot("03-rm-app")

	// Follow the AM's log link to its NM, then the driver's stdout.
	p.click("#am-logs")
	if loc := p.location(); loc != logs {
		t.Errorf("after the log link the browser is at %s, want %s", loc, logs)
	}
	p.text(chromedp.CSS(`a.log-file[href$="/stdout"]`))
	p.screenshot("04-nm-am-logs")
	p.click(chromedp.CSS(`a.log-file[href$="/stdout"]`))
	if out := p.text("#log"); !strings.Contains(out, "Pi is roughly 3.1") {
		t.Errorf("the driver's stdout page shows:\n%s", out)
	}
	p.screenshot("05-nm-driver-stdout")
	nmWeb := strings.TrimSuffix(logs, "/node/containerlogs/"+amCID+"/tester")

	// The NM's own pages, and the RM's nodes and scheduler.
	p.open(nmWeb + "/node")
	if got := p.text("#node-id"); got == "" {
		t.Error("the NM overview names no node")
	}
	p.screenshot("06-nm-node")
	p.open(nmWeb + "/node/container/" + amCID)
	if got := p.text("#container-state"); got != "EXITED_WITH_SUCCESS" && got != "DONE" {
		t.Errorf("the AM container's NM page shows state %q", got)
	}
	p.screenshot("07-nm-am-container")
	p.open(rm + "/cluster/nodes")
	p.text("#nodes")
	p.screenshot("08-rm-nodes")
	p.open(rm + "/cluster/scheduler")
	p.text("#queues")
	p.screenshot("09-rm-scheduler")

	// Machines read the same run from /metrics.
	if v := scrape(t, rm, `goyarn_rm_ha_state{state="active"}`); v != 1 {
		t.Errorf("RM ha_state active = %v", v)
	}
	if v := scrape(t, rm, "goyarn_rm_apps_completed_total"); v != 1 {
		t.Errorf("RM apps_completed_total = %v, want 1", v)
	}
	if v := scrape(t, rm, "goyarn_rm_containers_allocated_total"); v < 3 {
		t.Errorf("RM containers_allocated_total = %v, want at least the AM and 2 executors", v)
	}
	if v := scrape(t, nmWeb, `goyarn_nm_container_completions_total{reason="success"}`); v < 1 {
		t.Errorf("the AM's NM counts %v successful containers", v)
	}

	// A log link handed to a tool still gives the raw text; a browser gets
	// the page.
	stdout := logs + "/stdout"
	if ct, body := get(t, stdout, ""); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(body, "Pi is roughly") {
		t.Errorf("%s for a tool: %s\n%s", stdout, ct, body)
	}
	if ct, body := get(t, stdout, "text/html,*/*;q=0.8"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, `id="log"`) {
		t.Errorf("%s for a browser: %s", stdout, ct)
	}
}

// get fetches url with an Accept header ("" for none) and returns the
// content type and body.
func get(t *testing.T, url, accept string) (string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.Header.Get("Content-Type"), string(body)
}
