package shuffle

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

func TestWriteOpenServe(t *testing.T) {
	st, err := NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	blocks := [][]byte{[]byte("zero"), nil, []byte("two!!")}
	file, sizes, err := st.Write(3, 1, 42, blocks)
	if err != nil {
		t.Fatal(err)
	}
	if file != "shuffle_3_1_42" || sizes[0] != 4 || sizes[1] != 0 || sizes[2] != 5 {
		t.Fatalf("file %s sizes %v", file, sizes)
	}
	mux := http.NewServeMux()
	mux.Handle(wire.PathShuffle, http.StripPrefix(wire.PathShuffle, st))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	f := &Fetcher{HTTP: srv.Client()}
	locs := []wire.BlockLoc{{Map: 0, ExecutorID: "1", Addr: addr, File: file}, {Map: 1, ExecutorID: "1", Addr: addr, File: file}}
	var got [][]byte
	err = f.All(context.Background(), locs, 2, func(_ wire.BlockLoc, b []byte) error { got = append(got, b); return nil })
	if err != nil || len(got) != 2 || !bytes.Equal(got[0], blocks[2]) || !bytes.Equal(got[1], blocks[2]) {
		t.Fatalf("All = %q, %v", got, err)
	}

	// The local shortcut reads the same bytes without HTTP.
	local := &Fetcher{Local: st, LocalID: "1"}
	if b, err := local.One(context.Background(), locs[0], 0); err != nil || string(b) != "zero" {
		t.Fatalf("local One = %q, %v", b, err)
	}

	// Unknown outputs, bad partitions and path tricks are fetch failures.
	for _, bad := range []wire.BlockLoc{
		{Addr: addr, File: "shuffle_9_9_9"},
		{Addr: addr, File: "../../etc/passwd"},
	} {
		_, err := f.One(context.Background(), bad, 0)
		var fe *FetchError
		if !errors.As(err, &fe) {
			t.Errorf("One(%v) = %v, want a FetchError", bad, err)
		}
	}
	if _, err := f.One(context.Background(), locs[0], 3); err == nil {
		t.Error("reduce partition past the end was served")
	}
}

func TestFetchFromDeadExecutorFails(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close() // nothing listens there any more
	f := &Fetcher{HTTP: http.DefaultClient, RetryPause: 1}
	err := f.All(context.Background(), []wire.BlockLoc{{Map: 7, ExecutorID: "2", Addr: addr, File: "shuffle_1_7_1"}}, 0,
		func(wire.BlockLoc, []byte) error { return nil })
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Block.Map != 7 || !errors.Is(err, wire.ErrUnreachable) {
		t.Fatalf("All = %v, want an unreachable FetchError for map 7", err)
	}
}
