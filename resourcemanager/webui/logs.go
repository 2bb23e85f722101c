package webui

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/logagg"
)

// AggregatedLogs is where the log pages read aggregated container logs.
type AggregatedLogs struct {
	Store     logagg.Store // *objstore.Client
	RemoteDir string       // the remote-app-log-dir
}

// maxLogView is the most of one log a page shows (its end); ?size=N asks
// for another part.
const maxLogView = 1 << 20

type aggLogFile struct {
	Name     string
	Node     string
	Size     int64
	Modified time.Time
}

type aggLogListData struct {
	ID    api.ContainerID
	User  string
	Files []aggLogFile
}

type aggLogFileData struct {
	ID      api.ContainerID
	User    string
	File    aggLogFile
	Text    string
	Start   int64
	End     int64
	Partial bool
}

// aggParams checks the :id and :user parameters and that aggregation is
// configured; it writes an error page when not.
func (u *UI) aggParams(c *gin.Context) (api.ContainerID, string, bool) {
	id, err := api.ParseContainerID(c.Param("id"))
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "No such container", "%q is not a container id.", c.Param("id"))
		return id, "", false
	}
	user := c.Param("user")
	if user == "" || user == "." || user == ".." || strings.ContainsAny(user, "/\\\x00") {
		u.errorPage(c, http.StatusNotFound, "No such user", "%q is not a user name.", user)
		return id, "", false
	}
	if u.deps.Logs == nil || u.deps.Logs.RemoteDir == "" || u.deps.Logs.Store == nil {
		u.errorPage(c, http.StatusNotFound, "Logs not aggregated",
			"This ResourceManager has no remote-app-log-dir: it cannot read aggregated logs.")
		return id, "", false
	}
	return id, user, true
}

// aggLogList is /cluster/containerlogs/<cid>/<user>: the container's
// aggregated log files.
func (u *UI) aggLogList(c *gin.Context) {
	id, user, ok := u.aggParams(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	nodes, err := logagg.Nodes(ctx, u.deps.Logs.Store, u.deps.Logs.RemoteDir, user, id.App())
	if err != nil {
		u.log.Warn("listing aggregated logs failed", zap.String("app_id", id.App().String()), zap.Error(err))
		u.errorPage(c, http.StatusBadGateway, "Aggregated logs unavailable", "The aggregated logs of %s could not be listed.", id.App())
		return
	}
	d := aggLogListData{ID: id, User: user}
	for _, n := range nodes {
		err := logagg.ScanNode(ctx, u.deps.Logs.Store, n, func(f logagg.File, _ io.Reader) error {
			if f.Container == id {
				d.Files = append(d.Files, aggLogFile{Name: f.Name, Node: n.Node, Size: f.Size, Modified: f.ModTime})
			}
			return nil
		})
		if err != nil {
			u.log.Warn("reading aggregated logs failed", zap.String("app_id", id.App().String()), zap.Error(err))
		}
	}
	if len(d.Files) == 0 {
		u.errorPage(c, http.StatusNotFound, "No aggregated logs",
			"No aggregated logs of container %s (user %s) were found: the application may not have finished, or its log aggregation not succeeded.", id, user)
		return
	}
	u.render(c, http.StatusOK, "agglogs", page{Title: "Logs of " + id.String(), Nav: "apps", Data: d})
}

// aggLogFile is /cluster/containerlogs/<cid>/<user>/<file>: the end of one
// aggregated log (up to maxLogView), or YARN's ?size=N (N > 0: the first N
// bytes, N < 0: the last -N).
func (u *UI) aggLogFile(c *gin.Context) {
	if c.Param("file") == "/" {
		u.aggLogList(c)
		return
	}
	name := strings.TrimPrefix(c.Param("file"), "/")
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		u.errorPage(c, http.StatusBadRequest, "Bad log file name", "A log file name must be a plain file name.")
		return
	}
	id, user, ok := u.aggParams(c)
	if !ok {
		return
	}
	size := int64(-maxLogView)
	if raw := c.Query("size"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			u.errorPage(c, http.StatusBadRequest, "Bad size", "size must be a whole number of bytes, got %q.", raw)
			return
		}
		size = max(min(n, maxLogView), -maxLogView)
	}
	d := aggLogFileData{ID: id, User: user}
	err := logagg.Open(c.Request.Context(), u.deps.Logs.Store, u.deps.Logs.RemoteDir, user, id, name, func(f logagg.File, r io.Reader) error {
		start, length := int64(0), min(size, f.Size)
		if size <= 0 {
			length = min(-size, f.Size)
			start = f.Size - length
		}
		if _, err := io.CopyN(io.Discard, r, start); err != nil {
			return err
		}
		buf := make([]byte, length)
		n, err := io.ReadFull(r, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return err
		}
		d.File = aggLogFile{Name: f.Name, Size: f.Size, Modified: f.ModTime}
		d.Text, d.Start, d.End = string(buf[:n]), start, start+int64(n)
		d.Partial = int64(n) < f.Size
		return nil
	})
	switch {
	case errors.Is(err, logagg.ErrNotAggregated):
		u.errorPage(c, http.StatusNotFound, "No such log file", "The aggregated logs of container %s hold no file %s.", id, name)
		return
	case err != nil:
		u.log.Warn("reading an aggregated log failed", zap.String("container_id", id.String()), zap.Error(err))
		u.errorPage(c, http.StatusBadGateway, "Aggregated logs unavailable", "The aggregated logs of %s could not be read.", id)
		return
	}
	u.render(c, http.StatusOK, "agglogfile", page{Title: name + " of " + id.String(), Nav: "apps", Data: d})
}

// AggregatedLogsPath is the RM page of a container's aggregated logs (see
// logagg.PagePath).
func AggregatedLogsPath(id api.ContainerID, user, name string) string {
	return logagg.PagePath(id, user, name)
}
