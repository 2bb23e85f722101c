package webapp

import (
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
)

func standby(t *testing.T, active string) (*httptest.Server, *httptest.Server) {
	t.Helper()
	app := New(Deps{Active: func() *core.Core { return nil }, Secret: security.NewSecret([]byte("0123456789abcdef0123")),
		Info: func() Info {
			return Info{HAState: api.HAStandby, HAID: "rm2", HAZKState: "CONNECTED", StoreName: "zk", ActiveWebAddress: active, ActiveHAID: "rm1"}
		}})
	web, rpcSrv := httptest.NewServer(app.WebHandler()), httptest.NewServer(app.RPCHandler())
	t.Cleanup(web.Close)
	t.Cleanup(rpcSrv.Close)
	return web, rpcSrv
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// A standby answers /ws/v1/cluster/info itself, redirects every other REST
// call to the active RM with 307 and the same URI, and refuses internal RPC
// with NOT_ACTIVE.
func TestStandbyRedirectsToTheActive(t *testing.T) {
	web, rpcSrv := standby(t, "rm1.example:8088")
	res, err := http.Get(web.URL + "/ws/v1/cluster/info")
	if err != nil {
		t.Fatal(err)
	}
	var info yarn.ClusterInfoResponse
	json.NewDecoder(res.Body).Decode(&info)
	res.Body.Close()
	if info.ClusterInfo.HAState != api.HAStandby || info.ClusterInfo.HAID != "rm2" || info.ClusterInfo.HAZooKeeperConnectionState != "CONNECTED" ||
		info.ClusterInfo.HAActiveID != "rm1" || info.ClusterInfo.HAActiveWebAddress != "rm1.example:8088" {
		t.Fatalf("standby info: %+v", info.ClusterInfo)
	}
	for m, path := range map[string]string{"GET": "/ws/v1/cluster/apps?states=RUNNING&user.name=a", "POST": "/ws/v1/cluster/apps?user.name=a",
		"PUT": "/ws/v1/cluster/apps/application_1_0001/state?user.name=a"} {
		req, _ := http.NewRequest(m, web.URL+path, strings.NewReader("{}"))
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want := "http://rm1.example:8088" + path
		if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != want || !strings.Contains(string(body), "This is standby RM") {
			t.Errorf("%s on standby: %d %q %s", m, res.StatusCode, res.Header.Get("Location"), body)
		}
	}
	res, _ = http.Get(web.URL + "/isActive")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("/isActive on standby: %d", res.StatusCode)
	}
	cl, _ := rpc.NewClient([]string{strings.TrimPrefix(rpcSrv.URL, "http://")}, rpc.Options{})
	err = cl.Call(t.Context(), rpc.PathNodeHeartbeat, rpc.NodeHeartbeatRequest{}, nil)
	if !strings.Contains(err.Error(), string(rpc.CodeNotActive)) {
		t.Errorf("RPC on standby: %v", err)
	}
}

func TestStandbyWithoutActive(t *testing.T) {
	web, _ := standby(t, "")
	res, err := noRedirect.Get(web.URL + "/ws/v1/cluster/apps")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "Can not find any active RM") || res.Header.Get("Refresh") == "" {
		t.Fatalf("standby without an active: %d %q %v", res.StatusCode, body, res.Header)
	}
}
