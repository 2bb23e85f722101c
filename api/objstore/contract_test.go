package objstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// runContract checks the promises every writable backend keeps. base is an
// empty prefix URL the suite owns (file:///tmp/x or s3://bucket/x).
func runContract(t *testing.T, c *Client, base string) {
	ctx := context.Background()
	t.Run("PutStatGet", func(t *testing.T) {
		u := Join(base, "pg", "obj.txt")
		put, err := c.Put(ctx, u, strings.NewReader("hello"), 5, 0o640)
		if err != nil {
			t.Fatal(err)
		}
		if put.URL != u || put.Size != 5 || put.Mode != 0o640 || put.ModTime.IsZero() || put.ETag == "" {
			t.Fatalf("put info = %+v", put)
		}
		st, err := c.Stat(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if !sameInfo(st, put) {
			t.Fatalf("stat %+v differs from put %+v", st, put)
		}
		rc, got, err := c.Get(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(data) != "hello" {
			t.Fatalf("get = %q, %v", data, err)
		}
		if !sameInfo(got, put) {
			t.Fatalf("get info %+v differs from put %+v", got, put)
		}
	})
	t.Run("Modes", func(t *testing.T) {
		for _, m := range []struct{ in, want fs.FileMode }{{0o755, 0o755}, {0o600, 0o600}, {0, 0o644}, {fs.ModeDir | 0o750, 0o750}} {
			u := Join(base, "modes", fmt.Sprintf("m%o", m.in.Perm()))
			if _, err := c.Put(ctx, u, strings.NewReader("x"), 1, m.in); err != nil {
				t.Fatal(err)
			}
			st, err := c.Stat(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode != m.want {
				t.Errorf("put mode %v: stat mode %v, want %v", m.in, st.Mode, m.want)
			}
		}
	})
	t.Run("PutFile", func(t *testing.T) {
		local := filepath.Join(t.TempDir(), "run.sh")
		if err := os.WriteFile(local, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(local, 0o755); err != nil { // umask
			t.Fatal(err)
		}
		u := Join(base, "putfile", "run.sh")
		info, err := c.PutFile(ctx, u, local)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != 18 || info.Mode != 0o755 {
			t.Fatalf("info = %+v", info)
		}
		if _, err := c.PutFile(ctx, Join(base, "putfile", "dir"), t.TempDir()); err == nil {
			t.Fatal("PutFile of a directory succeeded")
		}
	})
	t.Run("EmptyObject", func(t *testing.T) {
		u := Join(base, "empty")
		if _, err := c.Put(ctx, u, strings.NewReader(""), 0, 0); err != nil {
			t.Fatal(err)
		}
		st, err := c.Stat(ctx, u)
		if err != nil || st.Size != 0 {
			t.Fatalf("stat = %+v, %v", st, err)
		}
	})
	t.Run("UnknownSize", func(t *testing.T) {
		u := Join(base, "unknown-size")
		if _, err := c.Put(ctx, u, strings.NewReader("streamed"), -1, 0); err != nil {
			t.Fatal(err)
		}
		if got := read(t, c, u); got != "streamed" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		u := Join(base, "nothing", "here")
		if _, err := c.Stat(ctx, u); !errors.Is(err, ErrNotFound) {
			t.Errorf("stat: %v, want ErrNotFound", err)
		}
		_, _, err := c.Get(ctx, u)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("get: %v, want ErrNotFound", err)
		}
		if err != nil && !strings.Contains(err.Error(), u) {
			t.Errorf("error %q does not name the URL", err)
		}
	})
	t.Run("ChangeIsVisible", func(t *testing.T) {
		u := Join(base, "change")
		first, err := c.Put(ctx, u, strings.NewReader("version-1"), 9, 0)
		if err != nil {
			t.Fatal(err)
		}
		// Same size, other bytes: only the validator (or a later
		// second) can tell; ETag must.
		if _, err := c.Put(ctx, u, strings.NewReader("version-2"), 9, 0); err != nil {
			t.Fatal(err)
		}
		second, err := c.Stat(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if second.ETag == first.ETag {
			t.Errorf("ETag unchanged after overwrite: %q", first.ETag)
		}
		if second.ModTime.Before(first.ModTime) {
			t.Errorf("ModTime went back: %v then %v", first.ModTime, second.ModTime)
		}
		if _, err := c.Put(ctx, u, strings.NewReader("v3"), 2, 0); err != nil {
			t.Fatal(err)
		}
		third, err := c.Stat(ctx, u)
		if err != nil || third.Size != 2 {
			t.Fatalf("stat after shrink = %+v, %v", third, err)
		}
		if got := read(t, c, u); got != "v3" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("ShortInputLeavesOldObject", func(t *testing.T) {
		u := Join(base, "short")
		if _, err := c.Put(ctx, u, strings.NewReader("old"), 3, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Put(ctx, u, strings.NewReader("abc"), 10, 0); err == nil {
			t.Fatal("put of 3 bytes announced as 10 succeeded")
		}
		if got := read(t, c, u); got != "old" {
			t.Fatalf("after failed put: %q, want the old object", got)
		}
		fresh := Join(base, "short-fresh")
		if _, err := c.Put(ctx, fresh, failingReader{}, 100, 0); err == nil {
			t.Fatal("put from a failing reader succeeded")
		}
		if _, err := c.Stat(ctx, fresh); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after failed put: %v, want ErrNotFound", err)
		}
	})
	t.Run("ReadersSeeWholeObjects", func(t *testing.T) {
		u := Join(base, "atomic")
		a, b := bytes.Repeat([]byte("a"), 64<<10), bytes.Repeat([]byte("b"), 96<<10)
		if _, err := c.Put(ctx, u, bytes.NewReader(a), int64(len(a)), 0); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				v := a
				if i%2 == 0 {
					v = b
				}
				if _, err := c.Put(ctx, u, bytes.NewReader(v), int64(len(v)), 0); err != nil {
					t.Error(err)
					return
				}
			}
		})
		for range 20 {
			got := read(t, c, u)
			if got != string(a) && got != string(b) {
				t.Errorf("read %d bytes that are neither version", len(got))
			}
		}
		close(stop)
		wg.Wait()
	})
	t.Run("LargeObject", func(t *testing.T) {
		// Larger than minio-go's 16 MiB part: S3 takes the multipart path.
		data := make([]byte, 17<<20)
		rng := rand.NewChaCha8([32]byte{1})
		_, _ = rng.Read(data)
		u := Join(base, "large.bin")
		info, err := c.Put(ctx, u, bytes.NewReader(data), int64(len(data)), 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != int64(len(data)) {
			t.Fatalf("size %d", info.Size)
		}
		if got := read(t, c, u); got != string(data) {
			t.Fatalf("read back %d bytes that differ", len(got))
		}
	})
	t.Run("ListAndDeleteAll", func(t *testing.T) {
		dir := Join(base, "tree")
		names := []string{"b/2", "a", "b/1", "c/d/e"}
		for _, n := range names {
			if _, err := c.Put(ctx, Join(dir, n), strings.NewReader(n), int64(len(n)), 0); err != nil {
				t.Fatal(err)
			}
		}
		sibling := Join(base, "tree-sibling")
		if _, err := c.Put(ctx, sibling, strings.NewReader("s"), 1, 0); err != nil {
			t.Fatal(err)
		}
		infos, err := c.List(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, i := range infos {
			got = append(got, strings.TrimPrefix(i.URL, dir+"/"))
			if i.Size != int64(len(strings.TrimPrefix(i.URL, dir+"/"))) {
				t.Errorf("%s: size %d", i.URL, i.Size)
			}
		}
		if want := "a b/1 b/2 c/d/e"; strings.Join(got, " ") != want {
			t.Fatalf("list = %v, want %s", got, want)
		}
		if _, err := c.Stat(ctx, Join(dir, "b")); !errors.Is(err, ErrNotFound) {
			t.Errorf("stat of a prefix: %v, want ErrNotFound", err)
		}
		slash, err := c.List(ctx, dir+"/")
		if err != nil || len(slash) != len(infos) {
			t.Fatalf("list with trailing slash: %d, %v", len(slash), err)
		}
		sub, err := c.List(ctx, Join(dir, "b"))
		if err != nil || len(sub) != 2 {
			t.Fatalf("list b = %v, %v", sub, err)
		}
		st, err := c.Stat(ctx, Join(dir, "b/1"))
		if err != nil {
			t.Fatal(err)
		}
		if sub[0].Size != st.Size || !sub[0].ModTime.Equal(st.ModTime) || sub[0].ETag != st.ETag {
			t.Errorf("list %+v and stat %+v disagree", sub[0], st)
		}
		if err := c.DeleteAll(ctx, dir); err != nil {
			t.Fatal(err)
		}
		if infos, err := c.List(ctx, dir); err != nil || len(infos) != 0 {
			t.Fatalf("after DeleteAll: %v, %v", infos, err)
		}
		if _, err := c.Stat(ctx, Join(dir, "c/d/e")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after DeleteAll: %v", err)
		}
		if _, err := c.Stat(ctx, sibling); err != nil {
			t.Fatalf("DeleteAll took the sibling prefix: %v", err)
		}
		if err := c.DeleteAll(ctx, dir); err != nil {
			t.Fatalf("DeleteAll of nothing: %v", err)
		}
		if infos, err := c.List(ctx, Join(base, "never")); err != nil || len(infos) != 0 {
			t.Fatalf("list of nothing: %v, %v", infos, err)
		}
	})
	t.Run("BadURLs", func(t *testing.T) {
		for _, u := range []string{base + "/a/../b", base + "/dir/", base + "//x", base + "/./x"} {
			if _, err := c.Put(ctx, u, strings.NewReader("x"), 1, 0); !errors.Is(err, ErrBadURL) {
				t.Errorf("put %s: %v, want ErrBadURL", u, err)
			}
			if _, err := c.Stat(ctx, u); !errors.Is(err, ErrBadURL) {
				t.Errorf("stat %s: %v, want ErrBadURL", u, err)
			}
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := c.Put(cctx, Join(base, "cancelled"), strings.NewReader("x"), 1, 0)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("put with a cancelled context: %v", err)
		}
	})
}

// sameInfo compares what Stat, Get and Put report about one object.
func sameInfo(a, b Info) bool {
	return a.URL == b.URL && a.Size == b.Size && a.ModTime.Equal(b.ModTime) && a.ETag == b.ETag && a.Mode == b.Mode
}

func read(t *testing.T, c *Client, u string) string {
	t.Helper()
	rc, _, err := c.Get(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestContractFile(t *testing.T) {
	root := t.TempDir()
	c, err := New(Config{FileRoots: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	runContract(t, c, fileURL(filepath.Join(root, "store")))
}
