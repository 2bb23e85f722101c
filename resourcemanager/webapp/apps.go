package webapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

func (s *Server) listApps(c *gin.Context) {
	f, err := parseAppFilter(c)
	if err != nil {
		writeRemote(c, err)
		return
	}
	apps := s.core(c).Apps(f.keep)
	if f.limit > 0 && len(apps) > f.limit {
		apps = apps[:f.limit]
	}
	total, _ := s.core(c).Cluster()
	now := s.deps.Now()
	var resp yarn.AppsResponse
	for i := range apps {
		resp.Apps.App = append(resp.Apps.App, s.appDTO(&apps[i], total.MemoryMB, 0, now))
	}
	c.JSON(http.StatusOK, resp)
}

func (s *Server) app(c *gin.Context) (core.AppView, bool) {
	raw := c.Param("appid")
	id, err := api.ParseApplicationID(raw)
	if err != nil {
		writeRemote(c, yarn.BadRequest("Invalid ApplicationId: %s", raw))
		return core.AppView{}, false
	}
	v, ok := s.core(c).App(id)
	if !ok {
		writeRemote(c, yarn.AppNotFound(raw))
		return core.AppView{}, false
	}
	return v, true
}

func (s *Server) getApp(c *gin.Context) {
	v, ok := s.app(c)
	if !ok {
		return
	}
	total, _ := s.core(c).Cluster()
	c.JSON(http.StatusOK, yarn.AppResponse{App: s.appDTO(&v, total.MemoryMB, 0, s.deps.Now())})
}

func (s *Server) newApplication(c *gin.Context) {
	id, maxRes := s.core(c).NewApplication(caller(c))
	c.JSON(http.StatusOK, yarn.NewApplicationResponse{ApplicationID: id, MaximumResourceCapability: maxRes})
}

func (s *Server) submitApp(c *gin.Context) {
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			re := yarn.BadRequest("request body exceeds %d bytes", tooBig.Limit)
			re.Status = http.StatusRequestEntityTooLarge
			writeRemote(c, re)
			return
		}
		writeRemote(c, yarn.BadRequest("reading request body: %v", err))
		return
	}
	ctx, err := yarn.DecodeSubmission(data)
	if err != nil {
		writeRemote(c, yarn.BadRequest("%v", err))
		return
	}
	sub, err := ctx.ToAPI()
	if err != nil {
		writeRemote(c, yarn.BadRequest("%v", err))
		return
	}
	if err := s.core(c).Submit(c.Request.Context(), sub, caller(c)); err != nil {
		writeRemote(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("%s://%s/ws/v1/cluster/apps/%s", scheme, s.deps.WebAddress, sub.ApplicationID))
	c.Status(http.StatusAccepted)
}

func (s *Server) getAppState(c *gin.Context) {
	if v, ok := s.app(c); ok {
		c.JSON(http.StatusOK, yarn.AppStateBody{State: v.State})
	}
}

func (s *Server) putAppState(c *gin.Context) {
	v, ok := s.app(c)
	if !ok {
		return
	}
	var body yarn.AppStateBody
	data, err := io.ReadAll(c.Request.Body)
	if err == nil {
		err = decodeStrict(data, &body)
	}
	if err != nil {
		writeRemote(c, yarn.BadRequest("malformed state body: %v", err))
		return
	}
	if body.State != api.AppKilled {
		writeRemote(c, yarn.KillOnly())
		return
	}
	user := caller(c)
	state, err := s.core(c).Kill(c.Request.Context(), v.ID, user, s.isAdmin(user))
	if err != nil {
		writeRemote(c, err)
		return
	}
	c.JSON(http.StatusOK, yarn.AppStateBody{State: state})
}

func (s *Server) getAppQueue(c *gin.Context) {
	if v, ok := s.app(c); ok {
		c.JSON(http.StatusOK, yarn.AppQueueBody{Queue: leafName(v.Queue)})
	}
}

func (s *Server) getAppPriority(c *gin.Context) {
	if v, ok := s.app(c); ok {
		c.JSON(http.StatusOK, yarn.AppPriorityBody{Priority: v.Priority})
	}
}

func (s *Server) appStatistics(c *gin.Context) {
	states, err := parseStates(c.Query("states"))
	if err != nil {
		writeRemote(c, err)
		return
	}
	if len(states) == 0 {
		states = api.AppStates
	}
	types := yarn.SplitList(c.Query("applicationTypes"))
	if len(types) > 1 {
		writeRemote(c, yarn.BadRequest("# of applicationTypes = %d, we temporarily support at most one applicationType", len(types)))
		return
	}
	typ := yarn.AnyAppType
	if len(types) == 1 {
		typ = strings.ToLower(types[0])
	}
	counts := map[api.AppState]int64{}
	s.core(c).Apps(func(v *core.AppView) bool {
		if typ == yarn.AnyAppType || strings.EqualFold(v.Type, typ) {
			counts[v.State]++
		}
		return false
	})
	var resp yarn.AppStatInfoResponse
	for _, st := range states {
		resp.AppStatInfo.StatItem = append(resp.AppStatInfo.StatItem, yarn.StatItem{State: st, Type: typ, Count: counts[st]})
	}
	c.JSON(http.StatusOK, resp)
}

// leafName is the last element of a queue path: YARN reports an
// application's queue by its leaf name.
func leafName(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// decodeStrict decodes a small JSON body, refusing unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
