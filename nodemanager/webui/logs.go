package webui

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

// maxView is the most of one log a page shows; the raw link has it all.
const maxView = 1 << 20

type logFile struct {
	Name     string
	Size     int64
	Modified time.Time
}

// logFiles lists the regular files of a log dir, by name; a missing dir
// lists nothing.
func logFiles(dir string) []logFile {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []logFile
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil {
			out = append(out, logFile{Name: fi.Name(), Size: fi.Size(), Modified: fi.ModTime()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// userContainer is lookup plus the owner check of YARN's log pages. A
// container whose local logs are gone (expired, or its log dir removed) is
// redirected to its aggregated logs when there are any to go to.
func (u *UI) userContainer(c *gin.Context) (containermanager.ContainerInfo, bool) {
	if u.redirectAggregated(c) {
		return containermanager.ContainerInfo{}, false
	}
	ci, ok := u.lookup(c)
	if !ok {
		return ci, false
	}
	if user := c.Param("user"); user != ci.User {
		u.errorPage(c, http.StatusNotFound, "No such container", "Container %s does not belong to user %s.", ci.ID, user)
		return ci, false
	}
	return ci, true
}

type logListData struct {
	C     containermanager.ContainerInfo
	Files []logFile
}

// logList is /node/containerlogs/<cid>/<user>.
func (u *UI) logList(c *gin.Context) {
	ci, ok := u.userContainer(c)
	if !ok {
		return
	}
	refresh := u.deps.RefreshSeconds
	if ci.Complete {
		refresh = 0
	}
	u.render(c, http.StatusOK, "loglist", page{Title: "Logs of " + ci.ID.String(), Nav: "containers", Refresh: refresh,
		Data: logListData{C: ci, Files: logFiles(ci.LogDir)}})
}

var errBadName = errors.New("bad log file name")

// fileName checks a log file name taken from a catch-all parameter ("/x").
func fileName(param string) (string, error) {
	name := strings.TrimPrefix(param, "/")
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return "", fmt.Errorf("%w: %q", errBadName, name)
	}
	return name, nil
}

type logFileData struct {
	C       containermanager.ContainerInfo
	File    logFile
	Text    string
	Start   int64 // offset of Text in the file
	End     int64 // offset just past Text
	Partial bool  // Text is not the whole file
}

// logFile is /node/containerlogs/<cid>/<user>/<file> for browsers: the
// whole log up to maxView (else its end), or YARN's ?size=N (N > 0: the
// first N bytes, N < 0: the last -N).
func (u *UI) logFile(c *gin.Context) {
	if c.Param("file") == "/" { // /node/containerlogs/<cid>/<user>/
		u.logList(c)
		return
	}
	name, err := fileName(c.Param("file"))
	if err != nil {
		u.errorPage(c, http.StatusBadRequest, "Bad log file name", "A log file name must be a plain file name.")
		return
	}
	ci, ok := u.userContainer(c)
	if !ok {
		return
	}
	size := int64(-maxView)
	if raw := c.Query("size"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			u.errorPage(c, http.StatusBadRequest, "Bad size", "size must be a whole number of bytes, got %q.", raw)
			return
		}
		size = max(min(n, maxView), -maxView)
	}
	d, err := readLog(ci.LogDir, name, size)
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "No such log file", "Container %s has no log file %s.", ci.ID, name)
		return
	}
	d.C = ci
	refresh := u.deps.RefreshSeconds
	if ci.Complete {
		refresh = 0
	}
	u.render(c, http.StatusOK, "logfile", page{Title: name + " of " + ci.ID.String(), Nav: "containers", Refresh: refresh, Data: d})
}

// readLog reads part of one log file through an os.Root on dir: size > 0
// the first size bytes, size <= 0 the last -size (0: nothing).
func readLog(dir, name string, size int64) (logFileData, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return logFileData{}, err
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return logFileData{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return logFileData{}, err
	}
	if !fi.Mode().IsRegular() {
		return logFileData{}, fmt.Errorf("%w: %s is not a regular file", errBadName, name)
	}
	total := fi.Size()
	start, length := int64(0), min(size, total)
	if size <= 0 {
		length = min(-size, total)
		start = total - length
	}
	buf := make([]byte, length)
	n, err := f.ReadAt(buf, start)
	if err != nil && !errors.Is(err, io.EOF) {
		return logFileData{}, err
	}
	return logFileData{File: logFile{Name: name, Size: total, Modified: fi.ModTime()}, Text: string(buf[:n]),
		Start: start, End: start + int64(n), Partial: int64(n) < total}, nil
}

// redirectAggregated sends the request to the RM's aggregated logs page
// when the container is not here, or its log dir is gone, and the node
// aggregates logs (YARN's yarn.log.server.url). It reports whether it did.
func (u *UI) redirectAggregated(c *gin.Context) bool {
	if u.deps.AggregatedLogsURL == nil {
		return false
	}
	id, err := api.ParseContainerID(c.Param("id"))
	if err != nil {
		return false
	}
	if ci, err := u.deps.Containers.Container(id); err == nil {
		if _, err := os.Lstat(ci.LogDir); err == nil || !ci.Complete {
			return false
		}
	}
	file := strings.TrimPrefix(c.Param("file"), "/")
	target := u.deps.AggregatedLogsURL(id, c.Param("user"), file)
	if target == "" {
		return false
	}
	c.Redirect(http.StatusTemporaryRedirect, target)
	return true
}
