package clienttest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// LogFile is one log file of a fake NM container.
type LogFile struct {
	Name     string
	Content  string
	Modified time.Time
}

// NM is a fake NodeManager REST API: apps, containers and their logs.
type NM struct {
	Server *httptest.Server
	sync.Mutex
	// Apps maps an application to its containers on this node.
	Apps map[api.ApplicationID][]api.ContainerID
	// Logs maps a container to its log files, in listing order.
	Logs     map[api.ContainerID][]LogFile
	Requests []Request
}

// NewNM starts a fake NM on 127.0.0.1; t.Cleanup stops it.
func NewNM(t testing.TB) *NM {
	nm := &NM{Apps: map[api.ApplicationID][]api.ContainerID{}, Logs: map[api.ContainerID][]LogFile{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/v1/node/apps/{app}", nm.app)
	mux.HandleFunc("GET /ws/v1/node/containers/{cid}/logs", nm.logList)
	mux.HandleFunc("GET /ws/v1/node/containerlogs/{cid}/{file}", nm.rawLog)
	nm.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nm.Lock()
		defer nm.Unlock()
		nm.Requests = append(nm.Requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery})
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(nm.Server.Close)
	return nm
}

// Addr is the NM's web host:port.
func (nm *NM) Addr() string { return strings.TrimPrefix(nm.Server.URL, "http://") }

// Add records a container of app with its log files.
func (nm *NM) Add(cid api.ContainerID, files ...LogFile) {
	nm.Lock()
	defer nm.Unlock()
	nm.Apps[cid.App()] = append(nm.Apps[cid.App()], cid)
	nm.Logs[cid] = files
}

func (nm *NM) app(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseApplicationID(r.PathValue("app"))
	if err != nil {
		writeRemote(w, yarn.BadRequest("invalid application id: %s", r.PathValue("app")))
		return
	}
	cids, ok := nm.Apps[id]
	if !ok {
		writeRemote(w, yarn.AppNotFound(id.String()))
		return
	}
	writeJSON(w, 200, yarn.NMAppResponse{App: yarn.NMApp{ID: id, State: api.NMAppRunning, ContainerIDs: cids}})
}

func (nm *NM) container(w http.ResponseWriter, r *http.Request) (api.ContainerID, []LogFile, bool) {
	cid, err := api.ParseContainerID(r.PathValue("cid"))
	if err != nil {
		writeRemote(w, yarn.BadRequest("invalid container id, %s", r.PathValue("cid")))
		return cid, nil, false
	}
	files, ok := nm.Logs[cid]
	if !ok {
		writeRemote(w, yarn.ContainerNotFound(cid.String()))
	}
	return cid, files, ok
}

func (nm *NM) logList(w http.ResponseWriter, r *http.Request) {
	cid, files, ok := nm.container(w, r)
	if !ok {
		return
	}
	info := yarn.ContainerLogsInfo{LogAggregationType: yarn.LogAggregationLocal, ContainerID: cid}
	for _, f := range files {
		info.ContainerLogInfo = append(info.ContainerLogInfo, yarn.ContainerLogFile{FileName: f.Name,
			FileSize: strconv.Itoa(len(f.Content)), LastModifiedTime: yarn.FormatLogTime(f.Modified)})
	}
	writeJSON(w, 200, yarn.ContainerLogsResponse{ContainerLogsInfo: []yarn.ContainerLogsInfo{info}})
}

func (nm *NM) rawLog(w http.ResponseWriter, r *http.Request) {
	cid, files, ok := nm.container(w, r)
	if !ok {
		return
	}
	for _, f := range files {
		if f.Name != r.PathValue("file") {
			continue
		}
		body := f.Content
		if s := r.URL.Query().Get("size"); s != "" {
			n, _ := strconv.Atoi(s)
			switch {
			case n >= 0 && n < len(body):
				body = body[:n]
			case n < 0 && -n < len(body):
				body = body[len(body)+n:]
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write([]byte(body))
		return
	}
	writeRemote(w, yarn.NotFound("cannot find %s in the logs of container %s", r.PathValue("file"), cid))
}
