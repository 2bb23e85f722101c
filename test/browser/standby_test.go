package browser

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goyarn/goyarn/test/cluster"
)

// Two RMs with ZooKeeper: the standby's /cluster shows STANDBY in large type
// and links to the active, whose page shows ACTIVE; the standby's other
// pages take the browser to the active one (307). The standby's /metrics
// reports its own HA state.
func TestStandbyRMInBrowser(t *testing.T) {
	bin := chromium(t)
	h := cluster.StartHA(t, cluster.HAOptions{RMs: 2, ZKServers: 1, Options: cluster.Options{NodeManagers: 1}})
	active := h.WaitActive(-1, 30*time.Second)
	standby := 1 - active
	activeWeb, standbyWeb := "http://"+h.WebOf(active), "http://"+h.WebOf(standby)
	activeLink := activeWeb + "/cluster"
	needUI(t, activeLink)

	// The standby learns who leads from the election; wait until it does.
	cluster.WaitFor(t, "the standby to name the active RM", 30*time.Second, func() (bool, string) {
		res, err := http.Get(standbyWeb + "/cluster?refresh=0")
		if err != nil {
			return false, err.Error()
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return strings.Contains(string(body), `href="`+activeLink+`"`), res.Status
	})

	p := &page{t: t, ctx: newBrowser(t, bin), out: outputDir(t)}
	p.open(standbyWeb + "/cluster")
	if got := p.text("#ha-state"); got != "STANDBY" {
		t.Errorf("the standby's /cluster shows %q, want STANDBY", got)
	}
	if got := p.attr("#active-rm-link", "href"); got != activeLink {
		t.Errorf("the standby links to %q as the active RM, want %s", got, activeLink)
	}
	p.screenshot("01-standby-cluster")

	p.click("#active-rm-link")
	if loc := p.location(); loc != activeLink {
		t.Errorf("the link took the browser to %s, want %s", loc, activeLink)
	}
	if got := p.text("#ha-state"); got != "ACTIVE" {
		t.Errorf("the active's /cluster shows %q, want ACTIVE", got)
	}
	if got := p.text("#zk-state"); got != "CONNECTED" {
		t.Errorf("the active's ZooKeeper state is %q, want CONNECTED", got)
	}
	// The active lists the standby as the standby describes itself.
	if got := p.text(chromedp.CSS(`tr[data-rm="` + h.WebOf(standby) + `"] td:nth-child(3)`)); got != "STANDBY" {
		t.Errorf("the active lists the standby as %q", got)
	}
	p.screenshot("02-active-cluster")

	// Any other page of the standby is the active's.
	p.open(standbyWeb + "/cluster/nodes")
	if loc := p.location(); loc != activeWeb+"/cluster/nodes" {
		t.Errorf("the standby's /cluster/nodes ended at %s, want the active's", loc)
	}
	p.text("#nodes")
	p.screenshot("03-standby-nodes-redirected")

	if v := scrape(t, standbyWeb, `goyarn_rm_ha_state{state="standby"}`); v != 1 {
		t.Errorf("the standby's goyarn_rm_ha_state{state=\"standby\"} = %v", v)
	}
}
