package webui

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

type stateCount struct {
	State    api.AppState
	Count    int
	Selected bool
}

type appsData struct {
	Filter []api.AppState // empty: every state
	States []stateCount
	Total  int
	Apps   []core.AppView // newest first
}

// parseStateFilter reads ?state= / ?states= (comma lists) and the path form
// /cluster/apps/<STATE>.
func parseStateFilter(c *gin.Context) ([]api.AppState, string, bool) {
	raw := strings.Join(append(append(c.QueryArray("state"), c.QueryArray("states")...), c.Param("state")), ",")
	var out []api.AppState
	for _, s := range strings.Split(raw, ",") {
		if s = strings.ToUpper(strings.TrimSpace(s)); s == "" {
			continue
		}
		st := api.AppState(s)
		if !slices.Contains(api.AppStates, st) {
			return nil, s, false
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out, "", true
}

func (u *UI) apps(c *gin.Context) {
	filter, bad, ok := parseStateFilter(c)
	if !ok {
		u.errorPage(c, http.StatusBadRequest, "Bad state filter",
			"%q is not an application state; use one of NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED.", bad)
		return
	}
	all := activeCore(c).Apps(nil)
	d := appsData{Filter: filter, Total: len(all)}
	counts := map[api.AppState]int{}
	for i := len(all) - 1; i >= 0; i-- { // Apps is oldest first
		a := all[i]
		counts[a.State]++
		if len(filter) == 0 || slices.Contains(filter, a.State) {
			d.Apps = append(d.Apps, a)
		}
	}
	for _, st := range api.AppStates {
		d.States = append(d.States, stateCount{State: st, Count: counts[st], Selected: slices.Contains(filter, st)})
	}
	title := "Applications"
	if len(filter) == 1 {
		title = string(filter[0]) + " applications"
	}
	u.render(c, http.StatusOK, "apps", page{Title: title, Nav: "apps", Refresh: u.deps.RefreshSeconds, Data: d})
}

type appData struct {
	App     core.AppView
	Current *core.AttemptView // the latest attempt, if any
}

func (u *UI) app(c *gin.Context) {
	raw := c.Param("id")
	id, err := api.ParseApplicationID(raw)
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "No such application", "%q is not an application id.", raw)
		return
	}
	a, ok := activeCore(c).App(id)
	if !ok {
		u.errorPage(c, http.StatusNotFound, "No such application",
			"Application %s is not known to this ResourceManager (it may have been removed from the history).", id)
		return
	}
	d := appData{App: a}
	if n := len(a.Attempts); n > 0 {
		d.Current = &a.Attempts[n-1]
	}
	refresh := u.deps.RefreshSeconds
	if a.State.Terminal() {
		refresh = 0
	}
	u.render(c, http.StatusOK, "app", page{Title: id.String(), Nav: "apps", Refresh: refresh, Data: d})
}
