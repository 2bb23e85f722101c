package webapp

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

type fakeContainers struct {
	ctrs []containermanager.ContainerInfo
	apps []containermanager.AppInfo
}

func (f *fakeContainers) Containers() []containermanager.ContainerInfo { return f.ctrs }
func (f *fakeContainers) Apps() []containermanager.AppInfo             { return f.apps }

func (f *fakeContainers) Container(id api.ContainerID) (containermanager.ContainerInfo, error) {
	for _, c := range f.ctrs {
		if c.ID == id {
			return c, nil
		}
	}
	return containermanager.ContainerInfo{}, containermanager.ErrUnknownContainer
}

func (f *fakeContainers) App(id api.ApplicationID) (containermanager.AppInfo, error) {
	for _, a := range f.apps {
		if a.ID == id {
			return a, nil
		}
	}
	return containermanager.AppInfo{}, containermanager.ErrUnknownApp
}

var node = api.NodeID{Host: "127.0.0.1", Port: 45454}

const (
	c1 = "container_e02_1700000000000_0001_01_000001"
	c2 = "container_e02_1700000000000_0002_01_000001"
)

func setup(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	base := t.TempDir()
	logDir := filepath.Join(base, "logs", c1)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(logDir, "stdout"), []byte("hello world\n"), 0o644)
	os.WriteFile(filepath.Join(logDir, "stderr"), nil, 0o644)
	os.WriteFile(filepath.Join(base, "logs", "secret"), []byte("secret"), 0o644)
	os.Symlink(filepath.Join(base, "logs", "secret"), filepath.Join(logDir, "escape"))
	id1, _ := api.ParseContainerID(c1)
	id2, _ := api.ParseContainerID(c2)
	fc := &fakeContainers{
		ctrs: []containermanager.ContainerInfo{
			{ID: id1, User: "alice", State: api.NMContainerRunning, ExitStatus: api.ExitInvalid, Resource: api.Res(1024, 1), LogDir: logDir, StartedAt: time.UnixMilli(1)},
			{ID: id2, User: "bob", State: api.NMContainerExitedFailure, Complete: true, ExitStatus: 3, Diagnostics: "boom", Resource: api.Res(512, 2), LogDir: filepath.Join(base, "none")},
		},
		apps: []containermanager.AppInfo{
			{ID: id1.App(), User: "alice", State: api.NMAppRunning, Containers: []api.ContainerID{id1}},
			{ID: id2.App(), User: "bob", State: api.NMAppFinished, Containers: []api.ContainerID{id2}},
		},
	}
	h := Handler(Deps{Containers: fc, NodeID: node, HTTPAddress: "127.0.0.1:8042",
		Node: func() yarn.NodeInfo { return yarn.NodeInfo{ID: node, NodeHostName: "127.0.0.1", NodeHealthy: true} }})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, logDir
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string, string) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

func getJSON(t *testing.T, srv *httptest.Server, path string, want int, v any) {
	t.Helper()
	code, _, body := get(t, srv, path)
	if code != want {
		t.Fatalf("GET %s = %d %s, want %d", path, code, body, want)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, body)
	}
}

func TestNodeInfo(t *testing.T) {
	srv, _ := setup(t)
	for _, p := range []string{"/ws/v1/node", "/ws/v1/node/info"} {
		var r yarn.NodeInfoResponse
		getJSON(t, srv, p, 200, &r)
		if r.NodeInfo.ID != node || !r.NodeInfo.NodeHealthy {
			t.Fatalf("%s: %+v", p, r)
		}
	}
}

func TestApps(t *testing.T) {
	srv, _ := setup(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"application_1700000000000_0001", "application_1700000000000_0002"}},
		{"?state=RUNNING", []string{"application_1700000000000_0001"}},
		{"?user=bob", []string{"application_1700000000000_0002"}},
		{"?user=bob&state=RUNNING", nil},
	}
	for _, tc := range tests {
		var r yarn.NMAppsResponse
		getJSON(t, srv, "/ws/v1/node/apps"+tc.query, 200, &r)
		var got []string
		for _, a := range r.Apps.App {
			got = append(got, a.ID.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("apps%s = %v, want %v", tc.query, got, tc.want)
		}
	}
	var e yarn.RemoteExceptionResponse
	getJSON(t, srv, "/ws/v1/node/apps?state=BOGUS", 400, &e)

	var one yarn.NMAppResponse
	getJSON(t, srv, "/ws/v1/node/apps/application_1700000000000_0001", 200, &one)
	if one.App.User != "alice" || one.App.State != api.NMAppRunning || len(one.App.ContainerIDs) != 1 || one.App.ContainerIDs[0].String() != c1 {
		t.Fatalf("app = %+v", one)
	}
	_, _, raw := get(t, srv, "/ws/v1/node/apps/application_1700000000000_0001")
	if !strings.Contains(raw, `"containerids":["`+c1+`"]`) {
		t.Fatalf("raw app body %s", raw)
	}
	getJSON(t, srv, "/ws/v1/node/apps/application_1700000000000_0009", 404, &e)
	if e.RemoteException.Exception != "NotFoundException" {
		t.Fatalf("404 body %+v", e)
	}
	getJSON(t, srv, "/ws/v1/node/apps/bogus", 400, &e)
}

func TestContainers(t *testing.T) {
	srv, _ := setup(t)
	var r yarn.NMContainersResponse
	getJSON(t, srv, "/ws/v1/node/containers", 200, &r)
	if len(r.Containers.Container) != 2 {
		t.Fatalf("containers %+v", r)
	}
	var one yarn.NMContainerResponse
	getJSON(t, srv, "/ws/v1/node/containers/"+c1, 200, &one)
	want := yarn.NMContainer{ID: r.Containers.Container[0].ID, State: api.NMContainerRunning, NodeID: node,
		ContainerLogsLink: "http://127.0.0.1:8042/node/containerlogs/" + c1 + "/alice", User: "alice",
		ExitCode: api.ExitInvalid, TotalMemoryNeededMB: 1024, TotalVCoresNeeded: 1, ExecutionType: "GUARANTEED",
		ContainerLogFiles: []string{"stderr", "stdout"}}
	if !reflect.DeepEqual(one.Container, want) {
		t.Fatalf("container\n got %+v\nwant %+v", one.Container, want)
	}
	var two yarn.NMContainerResponse
	getJSON(t, srv, "/ws/v1/node/containers/"+c2, 200, &two)
	if two.Container.ExitCode != 3 || two.Container.Diagnostics != "boom" || two.Container.ContainerLogFiles != nil {
		t.Fatalf("finished container %+v", two.Container)
	}
	var e yarn.RemoteExceptionResponse
	getJSON(t, srv, "/ws/v1/node/containers/container_e02_1700000000000_0001_01_000099", 404, &e)
	if !strings.Contains(e.RemoteException.Message, "not found") {
		t.Fatalf("404 body %+v", e)
	}
	getJSON(t, srv, "/ws/v1/node/containers/nope", 400, &e)
	getJSON(t, srv, "/ws/v1/node/nosuch", 404, &e)
}

func TestContainerLogs(t *testing.T) {
	srv, _ := setup(t)
	var r yarn.ContainerLogsResponse
	getJSON(t, srv, "/ws/v1/node/containers/"+c1+"/logs", 200, &r)
	if len(r.ContainerLogsInfo) != 1 {
		t.Fatalf("logs %+v", r)
	}
	info := r.ContainerLogsInfo[0]
	if info.LogAggregationType != "LOCAL" || info.ContainerID.String() != c1 || info.NodeID != node || len(info.ContainerLogInfo) != 2 {
		t.Fatalf("logs %+v", info)
	}
	if f := info.ContainerLogInfo[1]; f.FileName != "stdout" || f.FileSize != "12" {
		t.Fatalf("stdout entry %+v", f)
	}
	if _, err := yarn.ParseLogTime(info.ContainerLogInfo[1].LastModifiedTime); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path     string
		code     int
		body     string
		plainErr bool
	}{
		{"/ws/v1/node/containerlogs/" + c1 + "/stdout", 200, "hello world\n", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/stdout?size=5", 200, "hello", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/stdout?size=-6", 200, "world\n", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/stdout?size=100", 200, "hello world\n", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/stdout?size=0", 200, "", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/stdout?size=x", 400, "", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/nofile", 404, "", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/escape", 404, "", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/..", 400, "", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/%2E%2E", 400, "", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/..%2Fsecret", 400, "", false},
		{"/ws/v1/node/containerlogs/" + c1 + "/a/b", 400, "", false},
		{"/ws/v1/node/containerlogs/container_e02_1700000000000_0001_01_000099/stdout", 404, "", false},
		{"/node/containerlogs/" + c1 + "/alice/stdout", 200, "hello world\n", true},
		{"/node/containerlogs/" + c1 + "/alice/stdout?size=-6", 200, "world\n", true},
		{"/node/containerlogs/" + c1 + "/mallory/stdout", 404, "", true},
		{"/node/containerlogs/" + c1 + "/alice/..%2F..%2Fsecret", 400, "", true},
	}
	for _, tc := range tests {
		code, ctype, body := get(t, srv, tc.path)
		if code != tc.code {
			t.Errorf("GET %s = %d %s, want %d", tc.path, code, body, tc.code)
			continue
		}
		if code == 200 {
			if body != tc.body || !strings.HasPrefix(ctype, "text/plain") {
				t.Errorf("GET %s = %q (%s), want %q", tc.path, body, ctype, tc.body)
			}
			continue
		}
		if strings.Contains(body, "secret") && !strings.Contains(body, "..") {
			t.Errorf("GET %s leaked %q", tc.path, body)
		}
		if !tc.plainErr {
			var e yarn.RemoteExceptionResponse
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.RemoteException.Exception == "" {
				t.Errorf("GET %s: error body %q is not a RemoteException", tc.path, body)
			}
		}
	}
}

func TestLogPage(t *testing.T) {
	srv, _ := setup(t)
	code, ctype, body := get(t, srv, "/node/containerlogs/"+c1+"/alice")
	if code != 200 || !strings.HasPrefix(ctype, "text/html") {
		t.Fatalf("page = %d %s", code, ctype)
	}
	for _, f := range []string{"stdout", "stderr"} {
		link := fmt.Sprintf(`href="/node/containerlogs/%s/alice/%s"`, c1, f)
		if !strings.Contains(body, link) {
			t.Errorf("page lacks %s:\n%s", link, body)
		}
	}
	if code, _, _ := get(t, srv, "/node/containerlogs/"+c1+"/bob"); code != 404 {
		t.Fatalf("other user's page = %d", code)
	}
	if code, _, _ := get(t, srv, "/node/containerlogs/nope/alice"); code != 404 {
		t.Fatalf("bad id page = %d", code)
	}
}
