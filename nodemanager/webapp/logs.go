package webapp

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var errBadFileName = errors.New("bad log file name")

// fileName checks a log file name taken from a catch-all parameter ("/x").
func fileName(param string) (string, error) {
	name := strings.TrimPrefix(param, "/")
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return "", fmt.Errorf("%w: %q", errBadFileName, name)
	}
	return name, nil
}

// sizeParam parses YARN's ?size=N: absent means the whole file, N > 0 the
// first N bytes, N < 0 the last -N bytes.
func sizeParam(c *gin.Context) (n int64, whole bool, err error) {
	raw, ok := c.GetQuery("size")
	if !ok || raw == "" {
		return 0, true, nil
	}
	n, err = strconv.ParseInt(raw, 10, 64)
	return n, false, err
}

// rawLog is GET /ws/v1/node/containerlogs/{containerid}/{filename}.
func (s *server) rawLog(c *gin.Context) {
	name, err := fileName(c.Param("filename"))
	if err != nil {
		writeErr(c, yarn.BadRequest("invalid log file name %s: it must be a plain file name", strings.TrimPrefix(c.Param("filename"), "/")))
		return
	}
	ci, ok := s.container(c)
	if !ok {
		return
	}
	if err := s.serveLog(c, ci, name); err != nil {
		writeErr(c, err)
	}
}

// userRawLog is GET /node/containerlogs/{containerid}/{user}/{filename}.
func (s *server) userRawLog(c *gin.Context) {
	name, err := fileName(c.Param("filename"))
	if err != nil {
		c.String(http.StatusBadRequest, "invalid log file name: it must be a plain file name\n")
		return
	}
	ci, ok := s.userContainer(c)
	if !ok {
		return
	}
	if err := s.serveLog(c, ci, name); err != nil {
		c.String(err.Status, "%s\n", strings.TrimPrefix(err.Message, "java.lang.Exception: "))
	}
}

func (s *server) serveLog(c *gin.Context, ci containermanager.ContainerInfo, name string) *yarn.RemoteException {
	n, whole, err := sizeParam(c)
	if err != nil {
		return yarn.BadRequest("invalid size %s", c.Query("size"))
	}
	root, err := os.OpenRoot(ci.LogDir)
	if err != nil {
		return yarn.NotFound("cannot find logs for container %s", ci.ID)
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return yarn.NotFound("cannot find %s in the logs of container %s", name, ci.ID)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return yarn.NotFound("cannot find %s in the logs of container %s", name, ci.ID)
	}
	size := fi.Size()
	start, length := int64(0), size
	switch {
	case whole:
	case n >= 0:
		length = min(n, size)
	default:
		length = min(-n, size)
		start = size - length
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return yarn.InternalError("reading %s: %v", name, err)
	}
	c.Header("Content-Type", "text/plain; charset=utf-8")
	c.Header("Content-Length", itoa(length))
	c.Status(http.StatusOK)
	_, _ = io.CopyN(c.Writer, f, length)
	return nil
}

// userContainer finds the container of the :containerid parameter and checks
// that it belongs to :user; it writes a plain-text error when not.
func (s *server) userContainer(c *gin.Context) (containermanager.ContainerInfo, bool) {
	ci, err := s.lookup(c.Param("containerid"))
	gone := err != nil
	if err == nil && ci.Complete {
		_, lerr := os.Lstat(ci.LogDir)
		gone = lerr != nil
	}
	if gone && s.AggregatedLogsURL != nil {
		id, perr := api.ParseContainerID(c.Param("containerid"))
		if perr == nil {
			if target := s.AggregatedLogsURL(id, c.Param("user"), strings.TrimPrefix(c.Param("filename"), "/")); target != "" {
				c.Redirect(http.StatusTemporaryRedirect, target)
				return ci, false
			}
		}
	}
	if err != nil {
		c.String(http.StatusNotFound, "%v\n", err)
		return ci, false
	}
	if user := c.Param("user"); user != ci.User {
		c.String(http.StatusNotFound, "container %s does not belong to user %s\n", ci.ID, user)
		return ci, false
	}
	return ci, true
}

var errUnknown = errors.New("no such container")

func (s *server) lookup(raw string) (containermanager.ContainerInfo, error) {
	id, err := api.ParseContainerID(raw)
	if err != nil {
		return containermanager.ContainerInfo{}, fmt.Errorf("%w: %s", errUnknown, raw)
	}
	ci, err := s.Containers.Container(id)
	if err != nil {
		return ci, fmt.Errorf("%w: %s", errUnknown, raw)
	}
	return ci, nil
}

var logPage = template.Must(template.New("logs").Parse(`<!DOCTYPE html>
<html><head><title>Logs for {{.ID}}</title></head>
<body>
<h1>Logs for {{.ID}}</h1>
<p>User: {{.User}} &middot; State: {{.State}}{{if .Complete}} &middot; Exit status: {{.ExitStatus}}{{end}}</p>
{{if .Files}}<table>
<tr><th>File</th><th>Size (bytes)</th><th>Last modified</th></tr>
{{range .Files}}<tr><td><a href="{{.Link}}">{{.Name}}</a></td><td>{{.Size}}</td><td>{{.Modified}}</td></tr>
{{end}}</table>{{else}}<p>No log files.</p>{{end}}
</body></html>
`))

type pageFile struct {
	Name, Link, Modified string
	Size                 int64
}

// logPage is GET /node/containerlogs/{containerid}/{user}: the log files of a
// container, each linked to its raw text.
func (s *server) logPage(c *gin.Context) {
	ci, ok := s.userContainer(c)
	if !ok {
		return
	}
	data := struct {
		containermanager.ContainerInfo
		Files []pageFile
	}{ContainerInfo: ci}
	for _, f := range logFiles(ci.LogDir) {
		data.Files = append(data.Files, pageFile{Name: f.Name(), Size: f.Size(),
			Link:     "/node/containerlogs/" + ci.ID.String() + "/" + url.PathEscape(ci.User) + "/" + url.PathEscape(f.Name()),
			Modified: yarn.FormatLogTime(f.ModTime())})
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	if err := logPage.Execute(c.Writer, data); err != nil {
		s.log.Debug("writing log page failed")
	}
}
