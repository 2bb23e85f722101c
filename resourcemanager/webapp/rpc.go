package webapp

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

func (s *Server) rpcRoutes(e *gin.Engine) {
	cr := func(c *gin.Context) *core.Core { return s.core(c) }
	node := e.Group("", s.activeRPC, s.nodeAuth)
	node.POST(rpc.PathNodeRegister, rpcCall(func(c *gin.Context, req rpc.RegisterNodeRequest) (rpc.RegisterNodeResponse, error) {
		return cr(c).RegisterNode(req)
	}))
	node.POST(rpc.PathNodeHeartbeat, rpcCall(func(c *gin.Context, req rpc.NodeHeartbeatRequest) (rpc.NodeHeartbeatResponse, error) {
		return cr(c).NodeHeartbeat(req)
	}))
	node.POST(rpc.PathNodeUnregister, rpcCall(func(c *gin.Context, req rpc.UnregisterNodeRequest) (rpc.Empty, error) {
		return rpc.Empty{}, cr(c).UnregisterNode(req.NodeID)
	}))

	am := func(id api.AttemptID, c *gin.Context) error { return s.amAuth(c, id) }
	amg := e.Group("", s.activeRPC)
	amg.POST(rpc.PathAMRegister, rpcCall(func(c *gin.Context, req rpc.RegisterAMRequest) (rpc.RegisterAMResponse, error) {
		if err := am(req.AttemptID, c); err != nil {
			return rpc.RegisterAMResponse{}, err
		}
		return cr(c).RegisterAM(req)
	}))
	amg.POST(rpc.PathAMAllocate, rpcCall(func(c *gin.Context, req rpc.AllocateRequest) (rpc.AllocateResponse, error) {
		if err := am(req.AttemptID, c); err != nil {
			return rpc.AllocateResponse{}, err
		}
		return cr(c).Allocate(req)
	}))
	amg.POST(rpc.PathAMFinish, rpcCall(func(c *gin.Context, req rpc.FinishAMRequest) (rpc.FinishAMResponse, error) {
		if err := am(req.AttemptID, c); err != nil {
			return rpc.FinishAMResponse{}, err
		}
		return cr(c).FinishAM(c.Request.Context(), req)
	}))
}

// nodeAuth admits NodeManagers holding the cluster secret's node key.
func (s *Server) nodeAuth(c *gin.Context) {
	if !security.Equal(rpc.Bearer(c.Request), s.deps.Secret.NodeKey()) {
		rpc.WriteError(c.Writer, rpc.Errorf(rpc.CodeUnauthorized, "NodeManager not authenticated: the bearer must be the cluster secret's node key (check cluster-secret-file)"))
		c.Abort()
		return
	}
	c.Next()
}

// amAuth checks an AM's token for the attempt it speaks for.
func (s *Server) amAuth(c *gin.Context, id api.AttemptID) error {
	tok := rpc.Bearer(c.Request)
	if tok == "" || security.VerifyAMToken(s.deps.Secret, id, tok) != nil {
		return rpc.Errorf(rpc.CodeUnauthorized, "ApplicationMaster for %s not authenticated: missing or wrong AM token", id)
	}
	return nil
}

// rpcCall adapts a call to a handler: decode, call, encode.
func rpcCall[Req, Resp any](fn func(*gin.Context, Req) (Resp, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req Req
		if err := rpc.Decode(c.Request, &req); err != nil {
			writeRPCError(c, err)
			return
		}
		resp, err := fn(c, req)
		if err != nil {
			writeRPCError(c, err)
			return
		}
		rpc.WriteJSON(c.Writer, http.StatusOK, resp)
	}
}
