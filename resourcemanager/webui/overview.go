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
}

type nodeCount struct {
	State api.NodeState
	Count int
}

type overviewData struct {
	Standby   bool
	Active    RMRef
	HasActive bool
	RMs       []rmRow
	Metrics   core.Metrics
	Nodes     []nodeCount
	Live      int // nodes in an active state
}

func (u *UI) overview(c *gin.Context) {
	ha := u.ha()
	d := overviewData{Standby: ha.standby()}
	d.Active, d.HasActive = ha.Active()
	if ha.Enabled {
		d.RMs = append(d.RMs, rmRow{ID: ha.ID, WebAddress: u.about().WebAddress, State: ha.State, Self: true})
		for _, p := range ha.Peers {
			d.RMs = append(d.RMs, rmRow{ID: p.ID, WebAddress: p.WebAddress, State: p.State})
		}
		sort.SliceStable(d.RMs, func(i, j int) bool { return d.RMs[i].ID < d.RMs[j].ID })
	}
	if !d.Standby {
		d.Metrics = u.deps.Core.Metrics()
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
