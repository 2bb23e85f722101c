package rpcserver

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
)

type fakeContainers struct{ calls int }

func (f *fakeContainers) Start(req rpc.StartContainersRequest) (rpc.StartContainersResponse, error) {
	f.calls++
	if len(req.Containers) == 0 {
		return rpc.StartContainersResponse{}, rpc.Errorf(rpc.CodeInvalidRequest, "no containers")
	}
	if req.Containers[0].Token.Signature != "good" {
		return rpc.StartContainersResponse{}, rpc.Errorf(rpc.CodeInvalidToken, "bad signature")
	}
	return rpc.StartContainersResponse{Started: []api.ContainerID{req.Containers[0].Token.ContainerID}}, nil
}

func (f *fakeContainers) StopByAM(req rpc.ContainersRequest) (rpc.StopContainersResponse, error) {
	f.calls++
	return rpc.StopContainersResponse{}, errors.New("plain error")
}

func (f *fakeContainers) Statuses(req rpc.ContainersRequest) (rpc.ContainerStatusesResponse, error) {
	f.calls++
	return rpc.ContainerStatusesResponse{Statuses: []rpc.ContainerStatus{{State: api.RunRunning}}}, nil
}

func TestServer(t *testing.T) {
	f := &fakeContainers{}
	srv := httptest.NewServer(Handler(f, nil))
	defer srv.Close()
	client, err := rpc.NewClient([]string{srv.URL}, rpc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	id, _ := api.ParseContainerID("container_1700000000000_0001_01_000001")

	var start rpc.StartContainersResponse
	req := rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{Token: security.ContainerToken{ContainerID: id, Signature: "good"}}}}
	if err := client.Call(ctx, rpc.PathContainersStart, req, &start); err != nil || len(start.Started) != 1 || start.Started[0] != id {
		t.Fatalf("start = %+v, %v", start, err)
	}
	req.Containers[0].Token.Signature = "bad"
	if err := client.Call(ctx, rpc.PathContainersStart, req, &start); rpc.CodeOf(err) != rpc.CodeInvalidToken {
		t.Fatalf("bad token: %v", err)
	}
	if err := client.Call(ctx, rpc.PathContainersStop, rpc.ContainersRequest{}, nil); rpc.CodeOf(err) != rpc.CodeInternal {
		t.Fatalf("plain error: %v", err)
	}
	var sts rpc.ContainerStatusesResponse
	if err := client.Call(ctx, rpc.PathContainersStatus, rpc.ContainersRequest{}, &sts); err != nil || len(sts.Statuses) != 1 {
		t.Fatalf("status = %+v, %v", sts, err)
	}

	calls := f.calls
	for _, body := range []string{"{not json", `{"containers":[{"token":{"containerId":"bogus"}}]}`, `[]`} {
		res, err := http.Post(srv.URL+rpc.PathContainersStart, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q: status %d", body, res.StatusCode)
		}
	}
	if f.calls != calls {
		t.Fatal("a malformed body reached the container manager")
	}
	if err := client.Call(ctx, "/rpc/v1/nope", rpc.Empty{}, nil); rpc.CodeOf(err) != rpc.CodeNotFound {
		t.Fatalf("unknown path: %v", err)
	}
}
