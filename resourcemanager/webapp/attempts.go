package webapp

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

func (s *Server) listAttempts(c *gin.Context) {
	v, ok := s.app(c)
	if !ok {
		return
	}
	var resp yarn.AppAttemptsResponse
	for i := range v.Attempts {
		resp.AppAttempts.AppAttempt = append(resp.AppAttempts.AppAttempt, s.attemptDTO(&v, &v.Attempts[i]))
	}
	c.JSON(http.StatusOK, resp)
}

// attempt finds the attempt named by :attemptid (a full attempt id, or its
// number) in the application named by :appid.
func (s *Server) attempt(c *gin.Context) (core.AppView, *core.AttemptView, bool) {
	v, ok := s.app(c)
	if !ok {
		return v, nil, false
	}
	raw := c.Param("attemptid")
	var id api.AttemptID
	if n, err := strconv.Atoi(raw); err == nil {
		id = api.AttemptID{App: v.ID, Attempt: int32(n)}
	} else if id, err = api.ParseAttemptID(raw); err != nil {
		writeRemote(c, yarn.BadRequest("Invalid AppAttemptId: %s", raw))
		return v, nil, false
	}
	for i := range v.Attempts {
		if v.Attempts[i].ID == id {
			return v, &v.Attempts[i], true
		}
	}
	writeRemote(c, yarn.AttemptNotFound(raw))
	return v, nil, false
}

func (s *Server) getAttempt(c *gin.Context) {
	if v, att, ok := s.attempt(c); ok {
		c.JSON(http.StatusOK, yarn.AppAttemptResponse{AppAttempt: s.attemptReport(&v, att)})
	}
}

func (s *Server) listAttemptContainers(c *gin.Context) {
	v, att, ok := s.attempt(c)
	if !ok {
		return
	}
	now := s.deps.Now()
	var resp yarn.RMContainersResponse
	for i := range att.Containers {
		resp.Containers.Container = append(resp.Containers.Container, s.containerDTO(&v, &att.Containers[i], now))
	}
	c.JSON(http.StatusOK, resp)
}

func (s *Server) getAttemptContainer(c *gin.Context) {
	v, att, ok := s.attempt(c)
	if !ok {
		return
	}
	raw := c.Param("containerid")
	id, err := api.ParseContainerID(raw)
	if err != nil {
		writeRemote(c, yarn.BadRequest("Invalid ContainerId: %s", raw))
		return
	}
	for i := range att.Containers {
		if att.Containers[i].ID == id {
			c.JSON(http.StatusOK, yarn.RMContainerResponse{Container: s.containerDTO(&v, &att.Containers[i], s.deps.Now())})
			return
		}
	}
	writeRemote(c, yarn.ContainerNotFound(raw))
}
