package webapp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store/mem"
)

type nopLauncher struct{}

func (nopLauncher) Launch(core.LaunchRequest) {}

type env struct {
	t      *testing.T
	web    *httptest.Server
	rpcSrv *httptest.Server
	secret security.Secret
	core   *core.Core
}

func newEnv(t *testing.T, tokens Tokens) *env {
	t.Helper()
	secret := security.NewSecret([]byte("0123456789abcdef0123"))
	sched, _ := scheduler.New(scheduler.DefaultConfig())
	cfg := core.DefaultConfig()
	c, err := core.New(cfg, core.Deps{Scheduler: sched, Store: mem.New(), Launcher: nopLauncher{}, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	app := New(Deps{Active: func() *core.Core { return c }, Secret: secret, Tokens: tokens, AdminUsers: []string{"admin"}, WebAddress: "rm:8088",
		Info: func() Info {
			return Info{ClusterTimestamp: cfg.ClusterTimestamp, HAState: api.HAActive, Version: "test"}
		}, MaxBodyBytes: 4096})
	e := &env{t: t, web: httptest.NewServer(app.WebHandler()), rpcSrv: httptest.NewServer(app.RPCHandler()), secret: secret, core: c}
	t.Cleanup(e.web.Close)
	t.Cleanup(e.rpcSrv.Close)
	return e
}

func (e *env) do(method, path, body string, hdr ...string) (int, []byte, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.web.URL+path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data, res.Header
}

func (e *env) newApp() string {
	e.t.Helper()
	code, data, _ := e.do("POST", "/ws/v1/cluster/apps/new-application", "")
	var r yarn.NewApplicationResponse
	if code != 200 || json.Unmarshal(data, &r) != nil {
		e.t.Fatalf("new-application: %d %s", code, data)
	}
	if r.MaximumResourceCapability != api.Res(8192, 32) {
		e.t.Fatalf("maximum capability %s", r.MaximumResourceCapability)
	}
	return r.ApplicationID.String()
}

func submission(id string) string {
	return `{"application-id":"` + id + `","application-name":"dshell","queue":"default","application-type":"YARN",
	"application-tags":{"tag":["Nightly"]},"resource":{"memory":1024,"vCores":1},
	"am-container-spec":{"commands":{"command":"./appmaster shell"},"environment":{"entry":[{"key":"A","value":"1"}]}}}`
}

func remote(t *testing.T, data []byte) yarn.RemoteException {
	t.Helper()
	var r yarn.RemoteExceptionResponse
	if err := json.Unmarshal(data, &r); err != nil || r.RemoteException.Exception == "" {
		t.Fatalf("not a RemoteException: %s", data)
	}
	return r.RemoteException
}

func TestSubmitAndQuery(t *testing.T) {
	e := newEnv(t, nil)
	id := e.newApp()
	code, body, hdr := e.do("POST", "/ws/v1/cluster/apps?user.name=alice", submission(id), "Content-Type", "application/json")
	if code != http.StatusAccepted || !strings.HasSuffix(hdr.Get("Location"), "/ws/v1/cluster/apps/"+id) {
		t.Fatalf("submit: %d %s %v", code, body, hdr)
	}
	code, body, _ = e.do("GET", "/ws/v1/cluster/apps/"+id, "")
	var app yarn.AppResponse
	if code != 200 || json.Unmarshal(body, &app) != nil {
		t.Fatalf("get app: %d %s", code, body)
	}
	a := app.App
	if a.User != "alice" || a.Queue != "default" || a.State != api.AppAccepted || a.ApplicationTags != "nightly" || a.TrackingUI != yarn.TrackingUIUnassigned ||
		a.LogAggregationStatus != yarn.LogAggDisabled {
		t.Fatalf("app %+v", a)
	}
	for _, q := range []string{"states=accepted", "user=alice", "queue=default", "applicationTypes=yarn", "applicationTags=nightly,x", "limit=1"} {
		code, body, _ = e.do("GET", "/ws/v1/cluster/apps?"+q, "")
		var apps yarn.AppsResponse
		if code != 200 || json.Unmarshal(body, &apps) != nil || len(apps.Apps.App) != 1 {
			t.Errorf("filter %s: %d %s", q, code, body)
		}
	}
	for _, q := range []string{"states=running", "user=bob", "queue=other", "finalStatus=SUCCEEDED", "startedTimeBegin=99999999999999"} {
		_, body, _ = e.do("GET", "/ws/v1/cluster/apps?"+q, "")
		if string(body) != `{"apps":{}}` {
			t.Errorf("filter %s should match nothing, got %s", q, body)
		}
	}
	_, body, _ = e.do("GET", "/ws/v1/cluster/apps/"+id+"/appattempts", "")
	var atts yarn.AppAttemptsResponse
	if json.Unmarshal(body, &atts) != nil || len(atts.AppAttempts.AppAttempt) != 1 || atts.AppAttempts.AppAttempt[0].ID != 1 {
		t.Fatalf("attempts: %s", body)
	}
	for _, p := range []string{"/appattempts/1", "/appattempts/" + strings.Replace(id, "application", "appattempt", 1) + "_000001", "/appattempts/1/containers", "/state", "/queue", "/priority"} {
		if code, body, _ := e.do("GET", "/ws/v1/cluster/apps/"+id+p, ""); code != 200 {
			t.Errorf("GET %s: %d %s", p, code, body)
		}
	}
	_, body, _ = e.do("GET", "/ws/v1/cluster/appstatistics?states=accepted,running", "")
	if !strings.Contains(string(body), `"state":"ACCEPTED","type":"*","count":1`) {
		t.Errorf("appstatistics: %s", body)
	}
}

func TestBadInputGetsRemoteException(t *testing.T) {
	e := newEnv(t, nil)
	id := e.newApp()
	cases := []struct {
		method, path, body string
		status             int
		exception, msg     string
	}{
		{"GET", "/ws/v1/cluster/apps/application_1_0099", "", 404, "NotFoundException", "app with id: application_1_0099 not found"},
		{"GET", "/ws/v1/cluster/apps/bogus", "", 400, "BadRequestException", "Invalid ApplicationId"},
		{"GET", "/ws/v1/cluster/apps?states=SLEEPING", "", 400, "BadRequestException", "Invalid application-state"},
		{"GET", "/ws/v1/cluster/apps?limit=-3", "", 400, "BadRequestException", "limit"},
		{"GET", "/ws/v1/cluster/nodes?states=ASLEEP", "", 400, "BadRequestException", "Invalid node state"},
		{"GET", "/ws/v1/cluster/nodes/nohost", "", 400, "BadRequestException", "Invalid NodeId"},
		{"GET", "/ws/v1/cluster/nodes/h:1", "", 404, "NotFoundException", "h:1"},
		{"POST", "/ws/v1/cluster/apps", "{not json", 400, "BadRequestException", ""},
		{"POST", "/ws/v1/cluster/apps", strings.Replace(submission(id), `"resource"`, `"resources"`, 1), 400, "BadRequestException", "resources"},
		{"POST", "/ws/v1/cluster/apps", strings.Replace(submission(id), `"memory":1024`, `"memory":-5`, 1), 400, "BadRequestException", ""},
		{"POST", "/ws/v1/cluster/apps", strings.Replace(submission(id), `"memory":1024`, `"memory":999999`, 1), 400, "BadRequestException", "maximum"},
		{"POST", "/ws/v1/cluster/apps", strings.Replace(submission(id), `"queue":"default"`, `"queue":"nope"`, 1), 400, "BadRequestException", "unknown queue"},
		{"POST", "/ws/v1/cluster/apps", strings.Repeat(" ", 5000), 413, "BadRequestException", "exceeds"},
		{"PUT", "/ws/v1/cluster/apps/" + id + "/state", `{"state":"RUNNING"}`, 404, "NotFoundException", ""},
	}
	for _, c := range cases {
		code, body, _ := e.do(c.method, c.path, c.body)
		if code != c.status {
			t.Errorf("%s %s: status %d, want %d (%s)", c.method, c.path, code, c.status, body)
			continue
		}
		re := remote(t, body)
		if re.Exception != c.exception || !strings.Contains(re.Message, c.msg) {
			t.Errorf("%s %s: %+v", c.method, c.path, re)
		}
	}
	if apps := e.core.Apps(nil); len(apps) != 0 {
		t.Fatalf("bad input created %d apps", len(apps))
	}
	// Only KILLED is a valid target state.
	e.do("POST", "/ws/v1/cluster/apps?user.name=alice", submission(id))
	code, body, _ := e.do("PUT", "/ws/v1/cluster/apps/"+id+"/state", `{"state":"RUNNING"}`)
	if code != 400 || !strings.Contains(remote(t, body).Message, yarn.KillOnlyMessage) {
		t.Fatalf("PUT RUNNING: %d %s", code, body)
	}
}

func TestKillAuthorization(t *testing.T) {
	e := newEnv(t, nil)
	id := e.newApp()
	e.do("POST", "/ws/v1/cluster/apps?user.name=alice", submission(id))
	code, body, _ := e.do("PUT", "/ws/v1/cluster/apps/"+id+"/state?user.name=bob", `{"state":"KILLED"}`)
	if code != 403 || remote(t, body).Exception != "ForbiddenException" {
		t.Fatalf("kill by bob: %d %s", code, body)
	}
	code, body, _ = e.do("PUT", "/ws/v1/cluster/apps/"+id+"/state?user.name=admin", `{"state":"KILLED"}`)
	if code != 200 || string(bytes.TrimSpace(body)) != `{"state":"KILLED"}` {
		t.Fatalf("kill by admin: %d %s", code, body)
	}
}

func TestTokensGuardWrites(t *testing.T) {
	const tok = "s3cr3t-token-0123456789"
	e := newEnv(t, Tokens{tok: "carol"})
	code, body, _ := e.do("POST", "/ws/v1/cluster/apps/new-application", "")
	if code != 401 {
		t.Fatalf("write without token: %d %s", code, body)
	}
	if code, _, _ = e.do("POST", "/ws/v1/cluster/apps/new-application", "", "Authorization", "Bearer wrong-token-0000000000"); code != 401 {
		t.Fatalf("write with a wrong token: %d", code)
	}
	code, body, _ = e.do("POST", "/ws/v1/cluster/apps/new-application", "", "Authorization", "Bearer "+tok)
	var r yarn.NewApplicationResponse
	if code != 200 || json.Unmarshal(body, &r) != nil {
		t.Fatalf("write with token: %d %s", code, body)
	}
	// The token's user wins over user.name.
	code, _, _ = e.do("POST", "/ws/v1/cluster/apps?user.name=mallory", submission(r.ApplicationID.String()), "Authorization", "Bearer "+tok)
	if code != 202 {
		t.Fatalf("submit with token: %d", code)
	}
	if v, _ := e.core.App(r.ApplicationID); v.User != "carol" {
		t.Fatalf("owner %q, want the token's user carol", v.User)
	}
	if code, _, _ = e.do("GET", "/ws/v1/cluster/apps", ""); code != 200 {
		t.Fatalf("reads need no token, got %d", code)
	}
}

func TestRPCAuthentication(t *testing.T) {
	e := newEnv(t, nil)
	reg := rpc.RegisterNodeRequest{NodeID: api.NodeID{Host: "127.0.0.1", Port: 9}, HTTPAddress: "127.0.0.1:10", Total: api.Res(4096, 4), Health: rpc.NodeHealth{Healthy: true}}
	addr := strings.TrimPrefix(e.rpcSrv.URL, "http://")
	bad, _ := rpc.NewClient([]string{addr}, rpc.Options{Bearer: "nope"})
	err := bad.Call(t.Context(), rpc.PathNodeRegister, reg, nil)
	if rpc.CodeOf(err) != rpc.CodeUnauthorized {
		t.Fatalf("register without the node key: %v", err)
	}
	good, _ := rpc.NewClient([]string{addr}, rpc.Options{Bearer: e.secret.NodeKey()})
	var resp rpc.RegisterNodeResponse
	if err := good.Call(t.Context(), rpc.PathNodeRegister, reg, &resp); err != nil || resp.Action != rpc.ActionNormal || resp.HeartbeatIntervalMs != 1000 {
		t.Fatalf("register: %+v %v", resp, err)
	}
	err = good.Call(t.Context(), rpc.PathNodeHeartbeat, rpc.NodeHeartbeatRequest{NodeID: api.NodeID{Host: "other", Port: 1}}, nil)
	if rpc.CodeOf(err) != rpc.CodeNotRegistered {
		t.Fatalf("heartbeat from an unregistered node: %v", err)
	}
	err = good.Call(t.Context(), rpc.PathNodeRegister, rpc.RegisterNodeRequest{NodeID: reg.NodeID}, nil)
	if rpc.CodeOf(err) != rpc.CodeInvalidRequest {
		t.Fatalf("register without resources: %v", err)
	}
	att := api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, Attempt: 1}
	am, _ := rpc.NewClient([]string{addr}, rpc.Options{Bearer: security.AMToken(e.secret, api.AttemptID{App: att.App, Attempt: 2})})
	err = am.Call(t.Context(), rpc.PathAMAllocate, rpc.AllocateRequest{AttemptID: att}, nil)
	if rpc.CodeOf(err) != rpc.CodeUnauthorized {
		t.Fatalf("allocate with another attempt's token: %v", err)
	}
	res, _ := http.Post(e.rpcSrv.URL+rpc.PathNodeHeartbeat, "application/json", strings.NewReader("{"))
	if res.StatusCode != 401 {
		t.Fatalf("malformed heartbeat without auth: %d", res.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.rpcSrv.URL+rpc.PathNodeHeartbeat, strings.NewReader("{"))
	req.Header.Set("Authorization", "Bearer "+e.secret.NodeKey())
	res, _ = http.DefaultClient.Do(req)
	if res.StatusCode != 400 {
		t.Fatalf("malformed heartbeat: %d", res.StatusCode)
	}
}

func TestClusterEndpoints(t *testing.T) {
	e := newEnv(t, nil)
	for _, p := range []string{"", "/info", "/metrics", "/scheduler", "/nodes", "/appstatistics"} {
		code, body, _ := e.do("GET", "/ws/v1/cluster"+p, "")
		if code != 200 || !json.Valid(body) {
			t.Errorf("GET %s: %d %s", p, code, body)
		}
	}
	_, body, _ := e.do("GET", "/ws/v1/cluster/info", "")
	var info yarn.ClusterInfoResponse
	json.Unmarshal(body, &info)
	if info.ClusterInfo.HAState != api.HAActive || info.ClusterInfo.HAZooKeeperConnectionState != yarn.HANotEnabled {
		t.Fatalf("info %+v", info)
	}
	code, body, _ := e.do("GET", "/ws/v1/cluster/nosuch", "")
	if code != 404 || remote(t, body).Exception != "NotFoundException" {
		t.Fatalf("unknown path: %d %s", code, body)
	}
}
