package rpcserver

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/rpc"
)

// Containers is what the RPC needs from the container manager.
type Containers interface {
	Start(req rpc.StartContainersRequest) (rpc.StartContainersResponse, error)
	StopByAM(req rpc.ContainersRequest) (rpc.StopContainersResponse, error)
	Statuses(req rpc.ContainersRequest) (rpc.ContainerStatusesResponse, error)
}

// Handler returns the container RPC handler.
func Handler(ctrs Containers, logger *zap.Logger) http.Handler {
	if logger == nil {
		logger = zap.NewNop()
	}
	log := logger.Named("nm.rpc")
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.Recovery())
	e.POST(rpc.PathContainersStart, handle(log, ctrs.Start))
	e.POST(rpc.PathContainersStop, handle(log, ctrs.StopByAM))
	e.POST(rpc.PathContainersStatus, handle(log, ctrs.Statuses))
	e.NoRoute(func(c *gin.Context) {
		rpc.WriteError(c.Writer, rpc.Errorf(rpc.CodeNotFound, "no RPC endpoint at %s %s", c.Request.Method, c.Request.URL.Path))
	})
	return e
}

// handle adapts a call taking Req and returning Resp into a gin handler.
func handle[Req, Resp any](log *zap.Logger, call func(Req) (Resp, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req Req
		if err := rpc.Decode(c.Request, &req); err != nil {
			rpc.WriteError(c.Writer, err)
			return
		}
		resp, err := call(req)
		if err != nil {
			log.Info("container RPC refused", zap.String("path", c.Request.URL.Path), zap.Error(err))
			rpc.WriteError(c.Writer, err)
			return
		}
		rpc.WriteJSON(c.Writer, http.StatusOK, resp)
	}
}
