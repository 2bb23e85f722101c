package webui

import (
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

type rmRow struct {
	ID, WebAddress string
	State          api.HAState
	Self           bool
	Unreachable    bool // asked, and it did not answer
}

type nodeCount struct {
	State api.NodeState
	Count int
}

type overviewData struct {
	Standby   bool
	Active    RMRef
	HasActive bool // a peer is known to be active
	// KnowsActive: this RM or a peer is known to be active, so an RM
	// without a state in the list is not.
	KnowsActive bool
	RMs         []rmRow
	Metrics     core.Metrics
	Nodes       []nodeCount
	Live        int // nodes in an active state
}

func (u *UI) overview(c *gin.Context) {
	ha := u.ha()
	cr := u.deps.Active()
	d := overviewData{Standby: cr == nil}
	d.Active, d.HasActive = ha.Active()
	d.KnowsActive = d.HasActive || ha.State == api.HAActive
	if ha.Enabled {
		d.RMs = append(d.RMs, rmRow{ID: ha.ID, WebAddress: u.about().WebAddress, State: ha.State, Self: true})
		for i, info := range u.probePeers(c.Request.Context(), ha.Peers) {
			p := ha.Peers[i]
			row := rmRow{ID: p.ID, WebAddress: p.WebAddress, State: p.State}
			switch {
			case info.ok: // each RM knows its own state best
				row.State = api.HAState(info.state)
				if info.id != "" {
					row.ID = info.id
				}
			case u.deps.PeerTimeout >= 0 && p.WebAddress != "":
				row.Unreachable = true
			}
			d.RMs = append(d.RMs, row)
		}
		// By id; RMs whose id is unknown last, by address.
		sort.SliceStable(d.RMs, func(i, j int) bool {
			a, b := d.RMs[i], d.RMs[j]
			if (a.ID == "") != (b.ID == "") {
				return b.ID == ""
			}
			return a.ID < b.ID || a.ID == b.ID && a.WebAddress < b.WebAddress
		})
	}
	if cr != nil {
		d.Metrics = cr.Metrics()
		for _, st := range api.NodeStates {
			n := d.Metrics.NodesByState[st]
			d.Nodes = append(d.Nodes, nodeCount{State: st, Count: n})
			if st.Active() {
				d.Live += n
			}
		}
	}
	u.render(c, http.StatusOK, "overview", page{Title: "Cluster", Nav: "cluster", Refresh: u.deps.RefreshSeconds, Data: d})
}
