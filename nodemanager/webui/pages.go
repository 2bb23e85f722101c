package webui

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

// nmContainerStates lists the NM container states in lifecycle order.
var nmContainerStates = []api.NMContainerState{
	api.NMContainerNew, api.NMContainerLocalizing, api.NMContainerLocalizationFailed, api.NMContainerLocalized,
	api.NMContainerRunning, api.NMContainerKilling, api.NMContainerExitedSuccess, api.NMContainerExitedFailure,
	api.NMContainerCleanedUpAfterKill, api.NMContainerDone,
}

type stateCount struct {
	State api.NMContainerState
	Count int
}

type overviewData struct {
	RM        RMStatus
	HasRM     bool
	Address   string
	Allocated api.Resource
	Total     api.Resource
	States    []stateCount
	Apps      int
}

func (u *UI) overview(c *gin.Context) {
	node := u.deps.Node()
	d := overviewData{Address: u.deps.HTTPAddress, Allocated: u.deps.Containers.Allocated(),
		Total: api.Res(node.TotalPmemAllocatedContainersMB, node.TotalVCoresAllocatedContainers),
		Apps:  len(u.deps.Containers.Apps())}
	if u.deps.RM != nil {
		d.RM, d.HasRM = u.deps.RM(), true
	}
	counts := map[api.NMContainerState]int{}
	for _, ci := range u.deps.Containers.Containers() {
		counts[ci.State]++
	}
	for _, st := range nmContainerStates {
		if counts[st] > 0 {
			d.States = append(d.States, stateCount{State: st, Count: counts[st]})
		}
	}
	u.render(c, http.StatusOK, "overview", page{Title: "NodeManager " + node.ID.String(), Nav: "node",
		Refresh: u.deps.RefreshSeconds, Data: d})
}

func (u *UI) apps(c *gin.Context) {
	u.render(c, http.StatusOK, "apps", page{Title: "Applications on this node", Nav: "apps",
		Refresh: u.deps.RefreshSeconds, Data: u.deps.Containers.Apps()})
}

type appData struct {
	App        containermanager.AppInfo
	Containers []containermanager.ContainerInfo
}

func (u *UI) app(c *gin.Context) {
	raw := c.Param("id")
	id, err := api.ParseApplicationID(raw)
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "No such application", "%q is not an application id.", raw)
		return
	}
	i := slices.IndexFunc(u.deps.Containers.Apps(), func(a containermanager.AppInfo) bool { return a.ID == id })
	if i < 0 {
		u.errorPage(c, http.StatusNotFound, "No such application", "Application %s has no containers on this node.", id)
		return
	}
	d := appData{App: u.deps.Containers.Apps()[i]}
	for _, ci := range u.deps.Containers.Containers() {
		if ci.ID.App() == id {
			d.Containers = append(d.Containers, ci)
		}
	}
	u.render(c, http.StatusOK, "app", page{Title: id.String(), Nav: "apps", Refresh: u.deps.RefreshSeconds, Data: d})
}

func (u *UI) containers(c *gin.Context) {
	u.render(c, http.StatusOK, "containers", page{Title: "Containers on this node", Nav: "containers",
		Refresh: u.deps.RefreshSeconds, Data: u.deps.Containers.Containers()})
}

// lookup finds the container of the :id parameter, writing the 404 page
// when there is none.
func (u *UI) lookup(c *gin.Context) (containermanager.ContainerInfo, bool) {
	raw := c.Param("id")
	id, err := api.ParseContainerID(raw)
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "No such container", "%q is not a container id.", raw)
		return containermanager.ContainerInfo{}, false
	}
	ci, err := u.deps.Containers.Container(id)
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "No such container",
			"Container %s is not on this node (or its logs have expired).", id)
		return ci, false
	}
	return ci, true
}

type containerData struct {
	C     containermanager.ContainerInfo
	Files []logFile
}

func (u *UI) container(c *gin.Context) {
	ci, ok := u.lookup(c)
	if !ok {
		return
	}
	refresh := u.deps.RefreshSeconds
	if ci.Complete {
		refresh = 0
	}
	u.render(c, http.StatusOK, "container", page{Title: ci.ID.String(), Nav: "containers", Refresh: refresh,
		Data: containerData{C: ci, Files: logFiles(ci.LogDir)}})
}
