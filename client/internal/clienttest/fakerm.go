package clienttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// ClusterTS is the cluster timestamp of the fake RM's application ids.
const ClusterTS = 1700000000000

// Request is one request a fake daemon received.
type Request struct {
	Method, Path, RawQuery, Auth string
	Body                         string
}

// RM is a fake ResourceManager REST API over the api/yarn shapes. Its
// fields may be set before the first request, or later under Lock. Handlers
// run with the lock held.
type RM struct {
	Server *httptest.Server
	sync.Mutex

	// HA: a standby answers /info itself and everything else with a 307 to
	// RedirectTo (the active's base URL, http://host:port), or a 503 when
	// RedirectTo is "".
	HAState    api.HAState
	RedirectTo string

	Apps       []yarn.App
	Attempts   map[api.ApplicationID][]yarn.AppAttempt
	Reports    map[api.AttemptID]yarn.AppAttemptReport
	Containers map[api.AttemptID][]yarn.RMContainer
	Nodes      []yarn.Node
	Submitted  []*yarn.SubmissionContext
	Requests   []Request

	// OnGetApp, when set, may change an app before GET /apps/{id} reports it.
	OnGetApp func(*yarn.App)
	// KillForbidden answers every kill with 403 and this message.
	KillForbidden string
	// Kill202 is how many kill requests of an app are answered 202 (state
	// unchanged) before the app becomes KILLED.
	Kill202 int
	kills   map[api.ApplicationID]int
	nextSeq int32
}

// NewRM starts an active fake RM on 127.0.0.1; t.Cleanup stops it.
func NewRM(t testing.TB) *RM {
	rm := &RM{HAState: api.HAActive, Attempts: map[api.ApplicationID][]yarn.AppAttempt{},
		Reports: map[api.AttemptID]yarn.AppAttemptReport{}, Containers: map[api.AttemptID][]yarn.RMContainer{},
		kills: map[api.ApplicationID]int{}}
	rm.Server = httptest.NewServer(rm.handler())
	t.Cleanup(rm.Server.Close)
	return rm
}

// Addr is the RM's host:port.
func (rm *RM) Addr() string { return strings.TrimPrefix(rm.Server.URL, "http://") }

// Received returns the requests so far.
func (rm *RM) Received() []Request {
	rm.Lock()
	defer rm.Unlock()
	return slices.Clone(rm.Requests)
}

// SetStandby makes the RM a standby redirecting to active ("" = none known).
func (rm *RM) SetStandby(active string) {
	rm.Lock()
	defer rm.Unlock()
	rm.HAState, rm.RedirectTo = api.HAStandby, active
}

// DeadAddr returns a 127.0.0.1 address nothing listens on.
func DeadAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func (rm *RM) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/v1/cluster/info", rm.info)
	mux.HandleFunc("GET /ws/v1/cluster/metrics", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, yarn.ClusterMetricsResponse{ClusterMetrics: yarn.ClusterMetrics{AppsSubmitted: int32(len(rm.Apps))}})
	})
	mux.HandleFunc("GET /ws/v1/cluster/apps", rm.listApps)
	mux.HandleFunc("POST /ws/v1/cluster/apps", rm.submit)
	mux.HandleFunc("POST /ws/v1/cluster/apps/new-application", rm.newApp)
	mux.HandleFunc("GET /ws/v1/cluster/apps/{app}", rm.getApp)
	mux.HandleFunc("PUT /ws/v1/cluster/apps/{app}/state", rm.kill)
	mux.HandleFunc("GET /ws/v1/cluster/apps/{app}/appattempts", rm.attempts)
	mux.HandleFunc("GET /ws/v1/cluster/apps/{app}/appattempts/{att}", rm.attempt)
	mux.HandleFunc("GET /ws/v1/cluster/apps/{app}/appattempts/{att}/containers", rm.containers)
	mux.HandleFunc("GET /ws/v1/cluster/nodes", rm.nodes)
	mux.HandleFunc("GET /ws/v1/cluster/nodes/{node}", rm.node)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rm.Lock()
		rm.Requests = append(rm.Requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			Auth: r.Header.Get("Authorization"), Body: string(body)})
		standby, to := rm.HAState == api.HAStandby, rm.RedirectTo
		rm.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		if standby && r.URL.Path != "/ws/v1/cluster/info" {
			if to == "" {
				w.Header().Set("Refresh", "5")
				http.Error(w, "Can not find any active RM. Will retry in next 5 seconds.", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Location", to+r.URL.RequestURI())
			w.WriteHeader(http.StatusTemporaryRedirect)
			fmt.Fprintf(w, "This is standby RM. The redirect url is: %s%s", to, r.URL.RequestURI())
			return
		}
		rm.Lock()
		defer rm.Unlock()
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeRemote(w http.ResponseWriter, e *yarn.RemoteException) { writeJSON(w, e.Status, e.Body()) }

func (rm *RM) info(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, yarn.ClusterInfoResponse{ClusterInfo: yarn.ClusterInfo{ID: ClusterTS, StartedOn: ClusterTS,
		State: yarn.ServiceStarted, HAState: rm.HAState}})
}

func (rm *RM) findApp(w http.ResponseWriter, r *http.Request) *yarn.App {
	id, err := api.ParseApplicationID(r.PathValue("app"))
	if err != nil {
		writeRemote(w, yarn.BadRequest("Invalid ApplicationId: %s", r.PathValue("app")))
		return nil
	}
	for i := range rm.Apps {
		if rm.Apps[i].ID == id {
			return &rm.Apps[i]
		}
	}
	writeRemote(w, yarn.AppNotFound(id.String()))
	return nil
}

func (rm *RM) listApps(w http.ResponseWriter, r *http.Request) {
	states := yarn.SplitList(r.URL.Query().Get("states"))
	types := yarn.SplitList(r.URL.Query().Get("applicationTypes"))
	var out yarn.AppsResponse
	for _, a := range rm.Apps {
		if len(states) > 0 && !slices.Contains(states, string(a.State)) {
			continue
		}
		if len(types) > 0 && !slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(t, a.ApplicationType) }) {
			continue
		}
		out.Apps.App = append(out.Apps.App, a)
	}
	writeJSON(w, 200, out)
}

func (rm *RM) getApp(w http.ResponseWriter, r *http.Request) {
	if a := rm.findApp(w, r); a != nil {
		if rm.OnGetApp != nil {
			rm.OnGetApp(a)
		}
		writeJSON(w, 200, yarn.AppResponse{App: *a})
	}
}

func (rm *RM) newApp(w http.ResponseWriter, _ *http.Request) {
	rm.nextSeq++
	writeJSON(w, 200, yarn.NewApplicationResponse{ApplicationID: api.ApplicationID{ClusterTimestamp: ClusterTS, Seq: rm.nextSeq},
		MaximumResourceCapability: api.Res(8192, 8)})
}

// submit decodes the body strictly, records it and adds an ACCEPTED app.
func (rm *RM) submit(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s, err := yarn.DecodeSubmission(body)
	if err != nil {
		writeRemote(w, yarn.BadRequest("%v", err))
		return
	}
	c, _ := s.ToAPI()
	rm.Submitted = append(rm.Submitted, s)
	rm.Apps = append(rm.Apps, yarn.App{ID: c.ApplicationID, User: r.URL.Query().Get("user.name"), Name: c.Name,
		Queue: "default", State: api.AppAccepted, FinalStatus: api.FinalUndefined, ApplicationType: c.ApplicationType})
	w.Header().Set("Location", "/ws/v1/cluster/apps/"+c.ApplicationID.String())
	w.WriteHeader(http.StatusAccepted)
}

func (rm *RM) kill(w http.ResponseWriter, r *http.Request) {
	a := rm.findApp(w, r)
	if a == nil {
		return
	}
	var body yarn.AppStateBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.State != api.AppKilled {
		writeRemote(w, yarn.KillOnly())
		return
	}
	if rm.KillForbidden != "" {
		writeRemote(w, yarn.Forbidden("%s", rm.KillForbidden))
		return
	}
	if a.State.Terminal() {
		writeJSON(w, 200, yarn.AppStateBody{State: a.State})
		return
	}
	rm.kills[a.ID]++
	if rm.kills[a.ID] <= rm.Kill202 {
		w.Header().Set("Location", "/ws/v1/cluster/apps/"+a.ID.String()+"/state")
		writeJSON(w, http.StatusAccepted, yarn.AppStateBody{State: a.State})
		return
	}
	a.State, a.FinalStatus = api.AppKilled, api.FinalKilled
	writeJSON(w, 200, yarn.AppStateBody{State: a.State})
}

func (rm *RM) attempts(w http.ResponseWriter, r *http.Request) {
	if a := rm.findApp(w, r); a != nil {
		writeJSON(w, 200, yarn.AppAttemptsResponse{AppAttempts: yarn.AppAttemptList{AppAttempt: rm.Attempts[a.ID]}})
	}
}

func (rm *RM) attemptID(w http.ResponseWriter, r *http.Request) (api.AttemptID, bool) {
	id, err := api.ParseAttemptID(r.PathValue("att"))
	if err != nil {
		writeRemote(w, yarn.BadRequest("Invalid AppAttemptId: %s", r.PathValue("att")))
		return id, false
	}
	return id, true
}

func (rm *RM) attempt(w http.ResponseWriter, r *http.Request) {
	id, ok := rm.attemptID(w, r)
	if !ok {
		return
	}
	rep, ok := rm.Reports[id]
	if !ok {
		writeRemote(w, yarn.AttemptNotFound(id.String()))
		return
	}
	writeJSON(w, 200, yarn.AppAttemptResponse{AppAttempt: rep})
}

func (rm *RM) containers(w http.ResponseWriter, r *http.Request) {
	if id, ok := rm.attemptID(w, r); ok {
		writeJSON(w, 200, yarn.RMContainersResponse{Containers: yarn.RMContainerList{Container: rm.Containers[id]}})
	}
}

func (rm *RM) nodes(w http.ResponseWriter, r *http.Request) {
	states := yarn.SplitList(r.URL.Query().Get("states"))
	var out yarn.NodesResponse
	for _, n := range rm.Nodes {
		if len(states) == 0 || slices.Contains(states, string(n.State)) {
			out.Nodes.Node = append(out.Nodes.Node, n)
		}
	}
	writeJSON(w, 200, out)
}

func (rm *RM) node(w http.ResponseWriter, r *http.Request) {
	for _, n := range rm.Nodes {
		if n.ID.String() == r.PathValue("node") {
			writeJSON(w, 200, yarn.NodeResponse{Node: n})
			return
		}
	}
	writeRemote(w, yarn.NodeNotFound(r.PathValue("node")))
}
