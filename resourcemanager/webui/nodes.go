package webui

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

type nodesData struct {
	Filter api.NodeState // "": every node
	States []nodeCount
	Nodes  []core.NodeView
	Total  int
}

func (u *UI) nodes(c *gin.Context) {
	var filter api.NodeState
	if s := strings.ToUpper(strings.TrimSpace(c.Query("state"))); s != "" {
		filter = api.NodeState(s)
		if !slices.Contains(api.NodeStates, filter) {
			u.errorPage(c, http.StatusBadRequest, "Bad state filter",
				"%q is not a node state; use one of NEW, RUNNING, UNHEALTHY, DECOMMISSIONING, DECOMMISSIONED, LOST, REBOOTED, SHUTDOWN.", s)
			return
		}
	}
	all := activeCore(c).Nodes()
	d := nodesData{Filter: filter, Total: len(all)}
	counts := map[api.NodeState]int{}
	for _, n := range all {
		counts[n.State]++
		if filter == "" || n.State == filter {
			d.Nodes = append(d.Nodes, n)
		}
	}
	for _, st := range api.NodeStates {
		d.States = append(d.States, nodeCount{State: st, Count: counts[st]})
	}
	u.render(c, http.StatusOK, "nodes", page{Title: "Nodes", Nav: "nodes", Refresh: u.deps.RefreshSeconds, Data: d})
}

// queueRow is one queue of the tree, in pre-order, with its depth.
type queueRow struct {
	scheduler.QueueInfo
	Depth int
}

type schedulerData struct {
	Queues []queueRow
}

func (u *UI) scheduler(c *gin.Context) {
	var d schedulerData
	for _, q := range activeCore(c).Queues() {
		d.Queues = append(d.Queues, queueRow{QueueInfo: q, Depth: strings.Count(q.Path, ".")})
	}
	u.render(c, http.StatusOK, "scheduler", page{Title: "Scheduler", Nav: "scheduler", Refresh: u.deps.RefreshSeconds, Data: d})
}
