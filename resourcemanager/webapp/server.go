package webapp

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

// Info describes this RM for /ws/v1/cluster/info.
type Info struct {
	ClusterTimestamp int64 // of the active term's application ids
	StartedOn        time.Time
	HAState          api.HAState
	HAID             string
	HAZKState        string // "" when HA is off
	StoreName        string
	Version          string
	BuiltOn          string
	// ActiveWebAddress and ActiveHAID are the active RM's web host:port and
	// HA id as this RM knows them ("" when none is known); on the active RM,
	// its own.
	ActiveWebAddress string
	ActiveHAID       string
}

// Deps are the web app's collaborators.
type Deps struct {
	// Active returns the core while this RM is active, nil while standby.
	Active     func() *core.Core
	Secret     security.Secret
	Tokens     Tokens // nil: writes need no token (loopback)
	AdminUsers []string
	Logger     *zap.Logger
	Info       func() Info
	// WebAddress is this RM's advertised web host:port, for tracking URLs.
	WebAddress   string
	MaxBodyBytes int64
	Now          func() time.Time
}

// Server holds the handlers.
type Server struct {
	deps Deps
	log  *zap.Logger
}

// New returns the web app.
func New(deps Deps) *Server {
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.MaxBodyBytes <= 0 {
		deps.MaxBodyBytes = 1 << 20
	}
	return &Server{deps: deps, log: deps.Logger.Named("webapp")}
}

func newEngine(log *zap.Logger) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, v any) {
		log.Error("handler panicked", zap.Any("panic", v), zap.String("path", c.Request.URL.Path))
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	e.HandleMethodNotAllowed = true
	return e
}

// limitBody caps request bodies.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// WebHandler serves the public REST API.
func (s *Server) WebHandler() http.Handler {
	e := newEngine(s.log)
	e.NoRoute(notFoundHandler)
	e.NoMethod(func(c *gin.Context) {
		c.JSON(http.StatusMethodNotAllowed, gin.H{"RemoteException": gin.H{"exception": "WebApplicationException",
			"message": "HTTP " + c.Request.Method + " is not supported here", "javaClassName": "javax.ws.rs.WebApplicationException"}})
	})
	// A standby serves /info itself; everything else needs the active RM.
	e.GET("/ws/v1/cluster", s.clusterInfo)
	e.GET("/ws/v1/cluster/info", s.clusterInfo)
	ws := e.Group("/ws/v1/cluster", s.activeREST, limitBody(s.deps.MaxBodyBytes), s.identify)
	ws.GET("/metrics", s.clusterMetrics)
	ws.GET("/scheduler", s.schedulerInfo)
	ws.GET("/apps", s.listApps)
	ws.POST("/apps", s.submitApp)
	ws.POST("/apps/new-application", s.newApplication)
	ws.GET("/apps/:appid", s.getApp)
	ws.GET("/apps/:appid/state", s.getAppState)
	ws.PUT("/apps/:appid/state", s.putAppState)
	ws.GET("/apps/:appid/queue", s.getAppQueue)
	ws.GET("/apps/:appid/priority", s.getAppPriority)
	ws.GET("/apps/:appid/appattempts", s.listAttempts)
	ws.GET("/apps/:appid/appattempts/:attemptid", s.getAttempt)
	ws.GET("/apps/:appid/appattempts/:attemptid/containers", s.listAttemptContainers)
	ws.GET("/apps/:appid/appattempts/:attemptid/containers/:containerid", s.getAttemptContainer)
	ws.GET("/appstatistics", s.appStatistics)
	ws.GET("/nodes", s.listNodes)
	ws.GET("/nodes/:nodeid", s.getNode)
	e.GET("/isActive", s.isActive)
	return e
}

// RPCHandler serves the internal RPC for NMs and AMs.
func (s *Server) RPCHandler() http.Handler {
	e := newEngine(s.log)
	e.NoRoute(func(c *gin.Context) { c.String(http.StatusNotFound, "no RPC endpoint at %s\n", c.Request.URL.Path) })
	s.rpcRoutes(e)
	return e
}

func (s *Server) isActive(c *gin.Context) {
	if s.deps.Info().HAState == api.HAActive {
		c.String(http.StatusOK, "I am Active!")
		return
	}
	c.String(http.StatusMethodNotAllowed, "I am not Active!")
}
