package amlauncher

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

type outcome struct {
	cid api.ContainerID
	err error
}

func launchTo(t *testing.T, nm http.HandlerFunc) outcome {
	t.Helper()
	addr := "127.0.0.1:1" // nothing listens on port 1
	if nm != nil {
		srv := httptest.NewServer(nm)
		t.Cleanup(srv.Close)
		addr = strings.TrimPrefix(srv.URL, "http://")
	}
	node, err := api.ParseNodeID(addr)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan outcome, 1)
	l := New(nil, 1, 5*time.Second)
	defer l.Stop()
	l.SetReport(func(_ api.AttemptID, cid api.ContainerID, err error) { got <- outcome{cid, err} })
	cid := api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, Attempt: 1}, Seq: 1}
	l.Launch(core.LaunchRequest{Attempt: cid.Attempt, Container: rpc.Container{ID: cid, NodeID: node},
		Launch: api.LaunchContext{Commands: []string{"./am"}}})
	select {
	case o := <-got:
		if o.cid != cid {
			t.Fatalf("report for %s, want %s", o.cid, cid)
		}
		return o
	case <-time.After(10 * time.Second):
		t.Fatal("no report within 10 s")
	}
	return outcome{}
}

func TestLaunchAccepted(t *testing.T) {
	var body rpc.StartContainersRequest
	o := launchTo(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != rpc.PathContainersStart {
			http.NotFound(w, r)
			return
		}
		if err := rpc.Decode(r, &body); err != nil {
			rpc.WriteError(w, err)
			return
		}
		rpc.WriteJSON(w, 200, rpc.StartContainersResponse{Started: []api.ContainerID{body.Containers[0].Token.ContainerID}})
	})
	if o.err != nil {
		t.Fatalf("accepted launch reported %v", o.err)
	}
	if len(body.Containers) != 1 || body.Containers[0].Launch.Commands[0] != "./am" {
		t.Fatalf("NM got %+v", body)
	}
}

func TestLaunchRefusedOrUnreachable(t *testing.T) {
	o := launchTo(t, func(w http.ResponseWriter, r *http.Request) {
		rpc.WriteJSON(w, 200, rpc.StartContainersResponse{Failed: []rpc.ContainerError{{Error: "localization failed"}}})
	})
	if o.err == nil || !strings.Contains(o.err.Error(), "localization failed") {
		t.Fatalf("refused launch reported %v", o.err)
	}
	o = launchTo(t, func(w http.ResponseWriter, r *http.Request) {
		rpc.WriteError(w, rpc.Errorf(rpc.CodeInvalidToken, "bad signature"))
	})
	if rpc.CodeOf(o.err) != rpc.CodeInvalidToken {
		t.Fatalf("token refusal reported %v", o.err)
	}
	if o = launchTo(t, nil); o.err == nil {
		t.Fatal("unreachable NM reported success")
	}
}
