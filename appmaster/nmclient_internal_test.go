package appmaster

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
)

func TestNMClientReusesConnections(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req rpc.ContainersRequest
		_ = rpc.Decode(r, &req)
		rpc.WriteJSON(w, http.StatusOK, rpc.ContainerStatusesResponse{Statuses: []rpc.ContainerStatus{{ContainerID: req.Tokens[0].ContainerID}}})
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	node, err := api.ParseNodeID(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := api.ParseContainerID("container_1700000000000_0001_01_000002")
	n := NewNMClient(NMConfig{}, nil)
	defer n.Close()
	for i := 0; i < 5; i++ {
		c := rpc.Container{ID: id, NodeID: node}
		c.Token.ContainerID = id
		if _, err := n.Status(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("%d connections for 5 calls, want 1", got)
	}
}
