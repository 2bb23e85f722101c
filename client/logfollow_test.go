package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

// syncBuffer is a strings.Builder safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

func TestFollowContainerLog(t *testing.T) {
	nm := clienttest.NewNM(t)
	cid := api.ContainerID{Attempt: api.AttemptID{App: appID, Attempt: 1}, Epoch: 0, Seq: 1}
	n, err := client.NewNodeClient(nm.Addr(), client.NodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var out syncBuffer
	stop := make(chan struct{})
	type result struct {
		off int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		off, err := n.FollowContainerLog(context.Background(), cid, "stdout", &out, 0, 2*time.Millisecond, stop)
		done <- result{off, err}
	}()
	// The container is unknown at first (404s are retried), then its log grows.
	content := ""
	for i := range 5 {
		content += fmt.Sprintf("line %d\n", i)
		nm.Lock()
		nm.Logs[cid] = []clienttest.LogFile{{Name: "stdout", Content: content}, {Name: "stderr"}}
		nm.Unlock()
		want := content
		waitFor(t, func() bool { return out.String() == want })
	}
	// What is written just before stop is still copied by the final read.
	nm.Lock()
	nm.Logs[cid] = []clienttest.LogFile{{Name: "stdout", Content: content + "last\n"}}
	nm.Unlock()
	close(stop)
	r := <-done
	if r.err != nil || out.String() != content+"last\n" || r.off != int64(len(content)+5) {
		t.Errorf("followed %q to %d, %v", out.String(), r.off, r.err)
	}
}

// TestFollowContainerLogGrowingDuringFetch serves a file that grows by a
// line on every fetch, so a tail fetch never matches the listed size: the
// follower must fall back to the stable prefix and never repeat or skip.
func TestFollowContainerLogGrowingDuringFetch(t *testing.T) {
	cid := api.ContainerID{Attempt: api.AttemptID{App: appID, Attempt: 1}, Seq: 1}
	var mu sync.Mutex
	content := "start\n"
	grow := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/v1/node/containers/{cid}/logs", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		info := yarn.ContainerLogsInfo{ContainerID: cid, ContainerLogInfo: []yarn.ContainerLogFile{
			{FileName: "stdout", FileSize: strconv.Itoa(len(content))}}}
		w.Header().Set("Content-Type", "application/json")
		_ = jsonEncode(w, yarn.ContainerLogsResponse{ContainerLogsInfo: []yarn.ContainerLogsInfo{info}})
	})
	mux.HandleFunc("GET /ws/v1/node/containerlogs/{cid}/{file}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body := content
		if n, _ := strconv.Atoi(r.URL.Query().Get("size")); n > 0 && n < len(body) {
			body = body[:n]
		} else if n < 0 && -n < len(body) {
			body = body[len(body)+n:]
		}
		_, _ = w.Write([]byte(body))
		grow++
		content += fmt.Sprintf("grown %d\n", grow)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	n, err := client.NewNodeClient(srv.URL, client.NodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var out syncBuffer
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := n.FollowContainerLog(context.Background(), cid, "stdout", &out, 0, time.Millisecond, stop)
		done <- err
	}()
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") >= 6 })
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	full := content
	mu.Unlock()
	got := out.String()
	if !strings.HasPrefix(full, got) || !strings.HasPrefix(got, "start\ngrown 1\n") {
		t.Errorf("followed %q, not a prefix of %q", got, full)
	}
}

func jsonEncode(w http.ResponseWriter, v any) error { return json.NewEncoder(w).Encode(v) }
