package webapp

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

// appFilter is GET /apps's query: every condition must hold.
type appFilter struct {
	states      []api.AppState
	finalStatus api.FinalStatus
	user, queue string
	name        string
	types, tags []string
	limit       int
	started     [2]int64 // begin, end (ms); end 0 = unbounded
	finished    [2]int64
}

func parseAppFilter(c *gin.Context) (*appFilter, error) {
	f := &appFilter{user: c.Query("user"), queue: c.Query("queue"), name: c.Query("name")}
	var err error
	stateParam := c.Query("states")
	if single := c.Query("state"); single != "" { // deprecated single-state form
		stateParam = strings.Join([]string{stateParam, single}, ",")
	}
	if f.states, err = parseStates(stateParam); err != nil {
		return nil, err
	}
	if fs := c.Query("finalStatus"); fs != "" {
		f.finalStatus = api.FinalStatus(strings.ToUpper(fs))
		if !slices.Contains(api.FinalStatuses, f.finalStatus) {
			return nil, yarn.BadRequest("Invalid final status: %s. It should be one of %s", fs, joinStates(api.FinalStatuses))
		}
	}
	for _, t := range yarn.SplitList(c.Query("applicationTypes")) {
		f.types = append(f.types, strings.ToLower(t))
	}
	f.tags = yarn.NormalizeTags(yarn.SplitList(c.Query("applicationTags")))
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			return nil, yarn.BadRequest("limit value must be greater then 0")
		}
		f.limit = n
	}
	for _, tr := range []struct {
		name string
		dst  *[2]int64
	}{{"startedTime", &f.started}, {"finishedTime", &f.finished}} {
		for i, suffix := range []string{"Begin", "End"} {
			v := c.Query(tr.name + suffix)
			if v == "" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, yarn.BadRequest("%s%s must be greater than 0", tr.name, suffix)
			}
			tr.dst[i] = n
		}
		if tr.dst[1] != 0 && tr.dst[0] > tr.dst[1] {
			return nil, yarn.BadRequest("%sEnd must be greater than %sBegin", tr.name, tr.name)
		}
	}
	return f, nil
}

func parseStates(param string) ([]api.AppState, error) {
	var out []api.AppState
	for _, s := range yarn.SplitList(param) {
		st := api.AppState(strings.ToUpper(s))
		if !slices.Contains(api.AppStates, st) {
			return nil, yarn.BadRequest("Invalid application-state %s specified. It should be one of %s", s, joinStates(api.AppStates))
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out, nil
}

func joinStates[S ~string](states []S) string {
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

func (f *appFilter) keep(v *core.AppView) bool {
	if len(f.states) > 0 && !slices.Contains(f.states, v.State) {
		return false
	}
	if f.finalStatus != "" && v.FinalStatus != f.finalStatus {
		return false
	}
	if f.user != "" && v.User != f.user {
		return false
	}
	if f.queue != "" && v.Queue != f.queue && leafName(v.Queue) != f.queue {
		return false
	}
	if f.name != "" && v.Name != f.name {
		return false
	}
	if len(f.types) > 0 && !slices.Contains(f.types, strings.ToLower(v.Type)) {
		return false
	}
	if len(f.tags) > 0 && !slices.ContainsFunc(f.tags, func(t string) bool { return slices.Contains(v.Tags, t) }) {
		return false
	}
	return inRange(yarn.Millis(v.SubmitTime), f.started) && inRange(yarn.Millis(v.FinishTime), f.finished)
}

func inRange(t int64, r [2]int64) bool {
	if r == [2]int64{} {
		return true
	}
	return t >= r[0] && (r[1] == 0 || t <= r[1])
}
