package objstore

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHTTPBackend(t *testing.T) {
	modTime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("/files/app.jar", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "app.jar", modTime, strings.NewReader("jar bytes"))
	})
	mux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := New(Config{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := srv.URL + "/files/app.jar"

	st, err := c.Stat(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	want := Info{URL: u, Size: 9, ModTime: modTime, ETag: "v1"}
	if st != want {
		t.Fatalf("stat = %+v, want %+v", st, want)
	}
	rc, got, err := c.Get(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(data) != "jar bytes" || got != want {
		t.Fatalf("get = %q %+v", data, got)
	}

	for _, tc := range []struct {
		path string
		want error
	}{{"/missing", ErrNotFound}, {"/private", ErrAccessDenied}} {
		if _, err := c.Stat(ctx, srv.URL+tc.path); !errors.Is(err, tc.want) {
			t.Errorf("stat %s: %v, want %v", tc.path, err, tc.want)
		}
		if _, _, err := c.Get(ctx, srv.URL+tc.path); !errors.Is(err, tc.want) {
			t.Errorf("get %s: %v, want %v", tc.path, err, tc.want)
		}
	}
	if _, err := c.Stat(ctx, srv.URL+"/broken"); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("stat /broken: %v", err)
	}

	if _, err := c.Put(ctx, u, strings.NewReader("x"), 1, 0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("put: %v, want ErrReadOnly", err)
	}
	if err := c.DeleteAll(ctx, srv.URL+"/files"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("delete: %v, want ErrReadOnly", err)
	}
	if _, err := c.List(ctx, srv.URL+"/files"); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("list: %v, want ErrUnsupported", err)
	}
}

func TestHTTPUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Stat(context.Background(), "http://"+addr+"/x")
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("stat of a closed port: %v", err)
	}
}
