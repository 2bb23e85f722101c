package client_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/client"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

func TestNodeClient(t *testing.T) {
	nm := clienttest.NewNM(t)
	cid := api.ContainerID{Attempt: api.AttemptID{App: appID, Attempt: 1}, Epoch: 2, Seq: 1}
	mod := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	nm.Add(cid, clienttest.LogFile{Name: "stdout", Content: "hello\nworld\n", Modified: mod},
		clienttest.LogFile{Name: "stderr", Content: "", Modified: mod})
	n, err := client.NewNodeClient("http://"+nm.Addr(), client.NodeOptions{User: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx := context.Background()

	ids, err := n.NodeApp(ctx, appID)
	if err != nil || len(ids) != 1 || ids[0] != cid {
		t.Fatalf("NodeApp = %v, %v", ids, err)
	}
	other := api.ApplicationID{ClusterTimestamp: 1, Seq: 9}
	if ids, err := n.NodeApp(ctx, other); err != nil || ids != nil {
		t.Errorf("NodeApp(unknown) = %v, %v; want none", ids, err)
	}
	files, err := n.ContainerLogFiles(ctx, cid)
	if err != nil || len(files) != 2 || files[0].FileName != "stdout" || files[0].FileSize != "12" ||
		files[0].LastModifiedTime != "Mon May 06 07:08:09 +0000 2024" {
		t.Fatalf("ContainerLogFiles = %+v, %v", files, err)
	}
	var sb strings.Builder
	if k, err := n.ContainerLog(ctx, cid, "stdout", &sb); err != nil || k != 12 || sb.String() != "hello\nworld\n" {
		t.Fatalf("ContainerLog = %d %q, %v", k, sb.String(), err)
	}
	body, length, err := n.OpenContainerLog(ctx, cid, "stdout", -6)
	if err != nil {
		t.Fatal(err)
	}
	tail, _ := io.ReadAll(body)
	body.Close()
	if string(tail) != "world\n" || length != 6 {
		t.Errorf("last 6 bytes = %q (length %d)", tail, length)
	}
	if _, err := n.ContainerLog(ctx, cid, "syslog", io.Discard); !client.IsNotFound(err) {
		t.Errorf("missing file err = %v", err)
	}
	if _, _, err := n.OpenContainerLog(ctx, cid, "../etc/passwd", 0); err == nil {
		t.Error("path in a log file name accepted")
	}
	nm.Lock()
	got := nm.Requests[0].RawQuery
	nm.Unlock()
	if got != "user.name=alice" {
		t.Errorf("query = %q", got)
	}

	dead, _ := client.NewNodeClient(clienttest.DeadAddr(t), client.NodeOptions{})
	if _, err := dead.NodeApp(ctx, appID); !errors.Is(err, client.ErrUnreachable) {
		t.Errorf("dead NM err = %v", err)
	}
}
