package localizer

import (
	"archive/tar"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
)

// A remote (http) resource is downloaded with the store's size and time
// checked against the submission's; an archive is unpacked; a resource that
// changed after submission fails with ErrChanged and leaves nothing.
func TestRemoteResources(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "bin"), "#!/bin/sh\necho hi\n", 0o755)
	makeTar(t, filepath.Join(src, "lib.tar"), false, []tarEntry{{name: "a.txt", typ: tar.TypeReg, body: "A"}})
	mod := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, f := range []string{"bin", "lib.tar"} {
		if err := os.Chtimes(filepath.Join(src, f), mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(src)))
	defer srv.Close()
	store, err := objstore.New(objstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := New([]string{"s3://staging-bucket/staging"}, store)
	if err != nil {
		t.Fatal(err)
	}
	ms := mod.UnixMilli()
	cases := []struct {
		name string
		res  api.LocalResource
		want error
	}{
		{"file", api.LocalResource{URL: srv.URL + "/bin", Type: api.ResourceFile, Size: 18, Timestamp: ms}, nil},
		{"unrecorded", api.LocalResource{URL: srv.URL + "/bin"}, nil},
		{"archive", api.LocalResource{URL: srv.URL + "/lib.tar", Type: api.ResourceArchive, Timestamp: ms}, nil},
		{"grown", api.LocalResource{URL: srv.URL + "/bin", Size: 17, Timestamp: ms}, ErrChanged},
		{"touched", api.LocalResource{URL: srv.URL + "/bin", Size: 18, Timestamp: ms - 1000}, ErrChanged},
		{"missing", api.LocalResource{URL: srv.URL + "/nope"}, ErrBadSource},
		{"other bucket", api.LocalResource{URL: "s3://other-bucket/secrets/key"}, ErrOutsideRoots},
		{"bucket escape", api.LocalResource{URL: "s3://staging-bucket/staging/../logs/x"}, ErrOutsideRoots},
		{"encoded escape", api.LocalResource{URL: "s3://staging-bucket/staging/%2e%2e/logs/x"}, ErrOutsideRoots},
		{"upper-case scheme, other bucket", api.LocalResource{URL: "S3://other-bucket/secrets/key"}, ErrOutsideRoots},
		{"upper-case file scheme outside the roots", api.LocalResource{URL: "FILE:///etc/passwd"}, ErrOutsideRoots},
		{"unknown scheme", api.LocalResource{URL: "ftp://example.invalid/x"}, ErrBadSource},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			err := l.Localize(context.Background(), work, map[string]api.LocalResource{"r": tc.res})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Localize: %v, want %v", err, tc.want)
			}
			entries, _ := os.ReadDir(work)
			if tc.want != nil {
				if len(entries) != 0 {
					t.Errorf("a failed localization left %v", entries)
				}
				return
			}
			if tc.res.Type == api.ResourceArchive {
				if b, err := os.ReadFile(filepath.Join(work, "r", "a.txt")); err != nil || string(b) != "A" {
					t.Errorf("unpacked a.txt: %q, %v", b, err)
				}
				if len(entries) != 1 {
					t.Errorf("the download was not removed: %v", entries)
				}
				return
			}
			fi, err := os.Stat(filepath.Join(work, "r"))
			if err != nil || fi.Size() != 18 || fi.Mode().Perm()&0o100 == 0 {
				t.Errorf("localized file: %v, %v", fi, err)
			}
		})
	}
}

// A file:// resource changed after submission is refused too.
func TestLocalResourceChanged(t *testing.T) {
	staging := t.TempDir()
	p := filepath.Join(staging, "f")
	write(t, p, "1234", 0o644)
	fi, _ := os.Stat(p)
	l, err := New([]string{staging}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := api.LocalResource{URL: "file://" + p, Size: 4, Timestamp: fi.ModTime().UnixMilli()}
	if err := l.Localize(context.Background(), t.TempDir(), map[string]api.LocalResource{"f": rec}); err != nil {
		t.Fatalf("unchanged: %v", err)
	}
	write(t, p, "12345", 0o644)
	err = l.Localize(context.Background(), t.TempDir(), map[string]api.LocalResource{"f": rec})
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("changed: %v, want ErrChanged", err)
	}
}
