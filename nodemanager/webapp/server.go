package webapp

import (
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

// Containers is what the web API reads from the container manager.
type Containers interface {
	Containers() []containermanager.ContainerInfo
	Container(id api.ContainerID) (containermanager.ContainerInfo, error)
	Apps() []containermanager.AppInfo
	App(id api.ApplicationID) (containermanager.AppInfo, error)
}

// Deps are the handlers' collaborators.
type Deps struct {
	Containers Containers
	// Node returns the current nodeInfo.
	Node func() yarn.NodeInfo
	// NodeID and HTTPAddress (host:port of this API) go into container
	// bodies and log links.
	NodeID      api.NodeID
	HTTPAddress string
	Logger      *zap.Logger
	// AggregatedLogsURL, when set, is where /node/containerlogs/… requests
	// for a container whose local logs are gone are redirected ("" when
	// nowhere).
	AggregatedLogsURL func(id api.ContainerID, user, file string) string
}

type server struct {
	Deps
	log *zap.Logger
}

// Handler returns the NM web API.
func Handler(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = zap.NewNop()
	}
	s := &server{Deps: d, log: d.Logger.Named("nm.webapp")}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.Recovery())
	// Match on the escaped path so an encoded '/' in a file name reaches the
	// handler (and is refused there) instead of changing the route.
	e.UseRawPath = true
	e.UnescapePathValues = true

	ws := e.Group("/ws/v1/node")
	ws.GET("", s.nodeInfo)
	ws.GET("/", s.nodeInfo)
	ws.GET("/info", s.nodeInfo)
	ws.GET("/apps", s.listApps)
	ws.GET("/apps/:appid", s.getApp)
	ws.GET("/containers", s.listContainers)
	ws.GET("/containers/:containerid", s.getContainer)
	ws.GET("/containers/:containerid/logs", s.containerLogs)
	ws.GET("/containerlogs/:containerid/*filename", s.rawLog)

	e.GET("/node/containerlogs/:containerid/:user", s.logPage)
	e.GET("/node/containerlogs/:containerid/:user/*filename", s.userRawLog)
	e.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/ws/") {
			writeErr(c, yarn.NotFound("no such resource: %s", c.Request.URL.Path))
			return
		}
		c.String(http.StatusNotFound, "404 page not found\n")
	})
	return e
}

func writeErr(c *gin.Context, e *yarn.RemoteException) {
	c.JSON(e.Status, e.Body())
}

func (s *server) nodeInfo(c *gin.Context) {
	c.JSON(http.StatusOK, yarn.NodeInfoResponse{NodeInfo: s.Node()})
}

func (s *server) appBody(a containermanager.AppInfo) yarn.NMApp {
	return yarn.NMApp{ID: a.ID, User: a.User, State: a.State, ContainerIDs: a.Containers}
}

func (s *server) listApps(c *gin.Context) {
	state := c.Query("state")
	if state != "" && !validAppState(api.NMAppState(state)) {
		writeErr(c, yarn.BadRequest("Invalid application state %s", state))
		return
	}
	user := c.Query("user")
	var out yarn.NMAppsResponse
	for _, a := range s.Containers.Apps() {
		if (state == "" || string(a.State) == state) && (user == "" || a.User == user) {
			out.Apps.App = append(out.Apps.App, s.appBody(a))
		}
	}
	c.JSON(http.StatusOK, out)
}

func validAppState(s api.NMAppState) bool {
	switch s {
	case api.NMAppNew, api.NMAppIniting, api.NMAppRunning, api.NMAppFinishing, api.NMAppCleanup, api.NMAppFinished:
		return true
	}
	return false
}

func (s *server) getApp(c *gin.Context) {
	id, err := api.ParseApplicationID(c.Param("appid"))
	if err != nil {
		writeErr(c, yarn.BadRequest("invalid application id: %s", c.Param("appid")))
		return
	}
	a, err := s.Containers.App(id)
	if err != nil {
		writeErr(c, yarn.AppNotFound(id.String()))
		return
	}
	c.JSON(http.StatusOK, yarn.NMAppResponse{App: s.appBody(a)})
}

// container finds the container named by the :containerid parameter,
// writing the error itself when it cannot.
func (s *server) container(c *gin.Context) (containermanager.ContainerInfo, bool) {
	raw := c.Param("containerid")
	id, err := api.ParseContainerID(raw)
	if err != nil {
		writeErr(c, yarn.BadRequest("invalid container id, %s", raw))
		return containermanager.ContainerInfo{}, false
	}
	ci, err := s.Containers.Container(id)
	if err != nil {
		writeErr(c, yarn.ContainerNotFound(id.String()))
		return containermanager.ContainerInfo{}, false
	}
	return ci, true
}

func (s *server) containerBody(ci containermanager.ContainerInfo) yarn.NMContainer {
	body := yarn.NMContainer{
		ID: ci.ID, State: ci.State, NodeID: s.NodeID,
		ContainerLogsLink: yarn.ContainerLogsURL("http", s.HTTPAddress, ci.ID.String(), ci.User),
		User:              ci.User, ExitCode: int32(ci.ExitStatus), Diagnostics: ci.Diagnostics,
		TotalMemoryNeededMB: ci.Resource.MemoryMB, TotalVCoresNeeded: ci.Resource.VCores,
		ExecutionType: yarn.ExecutionGuaranteed,
	}
	for _, f := range logFiles(ci.LogDir) {
		body.ContainerLogFiles = append(body.ContainerLogFiles, f.Name())
	}
	return body
}

func (s *server) listContainers(c *gin.Context) {
	var out yarn.NMContainersResponse
	for _, ci := range s.Containers.Containers() {
		out.Containers.Container = append(out.Containers.Container, s.containerBody(ci))
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) getContainer(c *gin.Context) {
	ci, ok := s.container(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, yarn.NMContainerResponse{Container: s.containerBody(ci)})
}

func (s *server) containerLogs(c *gin.Context) {
	ci, ok := s.container(c)
	if !ok {
		return
	}
	info := yarn.ContainerLogsInfo{LogAggregationType: yarn.LogAggregationLocal, ContainerID: ci.ID, NodeID: s.NodeID}
	for _, f := range logFiles(ci.LogDir) {
		info.ContainerLogInfo = append(info.ContainerLogInfo, yarn.ContainerLogFile{
			FileName: f.Name(), FileSize: itoa(f.Size()), LastModifiedTime: yarn.FormatLogTime(f.ModTime()),
		})
	}
	c.JSON(http.StatusOK, yarn.ContainerLogsResponse{ContainerLogsInfo: []yarn.ContainerLogsInfo{info}})
}

// logFiles lists the regular files of a log dir, by name; a missing dir
// lists nothing.
func logFiles(dir string) []os.FileInfo {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []os.FileInfo
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil {
			out = append(out, fi)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}
