package webapp

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

// remoteError maps a core error to YARN's RemoteException.
func remoteError(err error) *yarn.RemoteException {
	var re *yarn.RemoteException
	if errors.As(err, &re) {
		return re
	}
	msg := message(err)
	switch {
	case errors.Is(err, core.ErrNotFound):
		return yarn.NotFound("java.lang.Exception: %s", msg)
	case errors.Is(err, core.ErrInvalid), errors.Is(err, core.ErrConflict):
		return yarn.BadRequest("%s", msg)
	case errors.Is(err, core.ErrForbidden):
		return yarn.Forbidden("%s", msg)
	case errors.Is(err, core.ErrUnauthorized):
		return yarn.Unauthorized("%s", msg)
	case errors.Is(err, core.ErrNotActive):
		re := yarn.InternalError("%s", msg)
		re.Status = http.StatusServiceUnavailable // clients move on to another RM
		return re
	}
	return yarn.InternalError("%s", msg)
}

// writeRemote answers with a RemoteException.
func writeRemote(c *gin.Context, err error) {
	re := remoteError(err)
	c.AbortWithStatusJSON(re.Status, re.Body())
}

// rpcError maps a core error to an RPC error.
func rpcError(err error) error {
	var re *rpc.Error
	if errors.As(err, &re) {
		return re
	}
	msg := message(err)
	switch {
	case errors.Is(err, core.ErrNotFound):
		return rpc.Errorf(rpc.CodeNotFound, "%s", msg)
	case errors.Is(err, core.ErrInvalid):
		return rpc.Errorf(rpc.CodeInvalidRequest, "%s", msg)
	case errors.Is(err, core.ErrConflict):
		return rpc.Errorf(rpc.CodeConflict, "%s", msg)
	case errors.Is(err, core.ErrNotRegistered):
		return rpc.Errorf(rpc.CodeNotRegistered, "%s", msg)
	case errors.Is(err, core.ErrNotCurrent):
		return rpc.Errorf(rpc.CodeAttemptNotFound, "%s", msg)
	case errors.Is(err, core.ErrUnauthorized), errors.Is(err, core.ErrForbidden):
		return rpc.Errorf(rpc.CodeUnauthorized, "%s", msg)
	case errors.Is(err, core.ErrNotActive):
		return rpc.Errorf(rpc.CodeNotActive, "%s", msg)
	}
	return rpc.Errorf(rpc.CodeInternal, "%s", msg)
}

func writeRPCError(c *gin.Context, err error) {
	rpc.WriteError(c.Writer, rpcError(err))
	c.Abort()
}

// message drops the sentinel's prefix ("invalid request: ") from an error's
// text: the sentinel is for code, the rest is for people.
func message(err error) string {
	s := err.Error()
	for _, sentinel := range []error{core.ErrNotFound, core.ErrInvalid, core.ErrForbidden, core.ErrConflict,
		core.ErrNotRegistered, core.ErrNotCurrent, core.ErrUnauthorized, core.ErrNotActive} {
		if p := sentinel.Error() + ": "; strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

// notFoundHandler answers unknown paths the way the RM's web services do.
func notFoundHandler(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/ws/") {
		re := yarn.NotFound("java.lang.Exception: no resource at %s", c.Request.URL.Path)
		c.JSON(http.StatusNotFound, re.Body())
		return
	}
	c.String(http.StatusNotFound, "404 page not found\n")
}
