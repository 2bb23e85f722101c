package webapp

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

const coreKey = "goyarn.core"

// core is the active core that the request's middleware found.
func (s *Server) core(c *gin.Context) *core.Core {
	cr, _ := c.Get(coreKey)
	return cr.(*core.Core)
}

// retryAfter is what a standby that knows no active RM tells clients, as
// YARN's RMWebAppFilter does.
const retryAfter = 2

// activeREST lets a request through when this RM is active; a standby
// answers with a 307 to the active RM (same path and query), or 503 when it
// knows none, as YARN's RM web filter does.
func (s *Server) activeREST(c *gin.Context) {
	if cr := s.deps.Active(); cr != nil {
		c.Set(coreKey, cr)
		c.Next()
		return
	}
	info := s.deps.Info()
	if info.ActiveWebAddress != "" {
		target := fmt.Sprintf("%s://%s%s", scheme, info.ActiveWebAddress, c.Request.URL.RequestURI())
		c.Header("Location", target)
		c.String(http.StatusTemporaryRedirect, "This is standby RM. The redirect url is: %s\n", target)
		c.Abort()
		return
	}
	c.Header("Refresh", fmt.Sprint(retryAfter))
	c.String(http.StatusServiceUnavailable, "Can not find any active RM. Will retry in next %d seconds.\n", retryAfter)
	c.Abort()
}

// activeRPC lets an RPC through when this RM is active, else answers
// NOT_ACTIVE so NMs and AMs move on to another RM.
func (s *Server) activeRPC(c *gin.Context) {
	if cr := s.deps.Active(); cr != nil {
		c.Set(coreKey, cr)
		c.Next()
		return
	}
	msg := "this ResourceManager is standby"
	if a := s.deps.Info().ActiveWebAddress; a != "" {
		msg += "; the active one serves " + a
	}
	rpc.WriteError(c.Writer, rpc.Errorf(rpc.CodeNotActive, "%s", msg))
	c.Abort()
}
