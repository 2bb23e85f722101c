package client_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/client"
)

func newStager(t *testing.T, staging string) *client.Stager {
	t.Helper()
	store, err := objstore.New(objstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := client.NewStager(staging, store)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStage(t *testing.T) {
	src := t.TempDir()
	staging := filepath.Join(t.TempDir(), "staging")
	st := newStager(t, staging)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		mode     os.FileMode
		wantMode os.FileMode
	}{
		{"appmaster", 0o700, 0o755},
		{"conf.yaml", 0o640, 0o640},
	} {
		p := filepath.Join(src, tc.name)
		if err := os.WriteFile(p, []byte("content of "+tc.name), tc.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, tc.mode); err != nil {
			t.Fatal(err)
		}
		lr, err := st.Stage(ctx, appID, tc.name, p)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(staging, appID.String(), tc.name)
		u, err := url.Parse(lr.URL)
		if err != nil || u.Scheme != "file" || u.Path != dst {
			t.Errorf("URL = %q, want file://%s", lr.URL, dst)
		}
		fi, err := os.Stat(dst)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(dst)
		if string(data) != "content of "+tc.name || fi.Mode().Perm() != tc.wantMode {
			t.Errorf("%s staged as %q mode %v", tc.name, data, fi.Mode().Perm())
		}
		if lr.Type != api.ResourceFile || lr.Size != fi.Size() || lr.Timestamp != fi.ModTime().UnixMilli() || lr.Visibility != "APPLICATION" {
			t.Errorf("resource = %+v", lr)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(staging, appID.String()))
	if len(entries) != 2 {
		t.Errorf("staging dir holds %d entries, want 2 (no temp files left)", len(entries))
	}
	for _, bad := range []struct{ name, src string }{{"../x", filepath.Join(src, "appmaster")}, {"", filepath.Join(src, "appmaster")},
		{"x", filepath.Join(src, "missing")}, {"x", src}} {
		if _, err := st.Stage(ctx, appID, bad.name, bad.src); !errors.Is(err, client.ErrBadStaging) {
			t.Errorf("Stage(%q, %q) err = %v", bad.name, bad.src, err)
		}
	}
	if err := st.Delete(ctx, appID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(staging, appID.String())); !os.IsNotExist(err) {
		t.Errorf("after Delete the app's staging dir: %v", err)
	}
	if err := st.Delete(ctx, appID); err != nil {
		t.Errorf("deleting nothing: %v", err)
	}
}

func TestNewStagerRefusesBadPlaces(t *testing.T) {
	store, err := objstore.New(objstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "relative/dir", "http://example.invalid/x", "ftp://h/x", "s3://"} {
		if _, err := client.NewStager(bad, store); !errors.Is(err, client.ErrBadStaging) {
			t.Errorf("NewStager(%q) err = %v", bad, err)
		}
	}
}

func TestShellQuoteSurvivesSh(t *testing.T) {
	words := []string{"plain", "", "two words", `it's`, `"double"`, `$HOME`, "`id`", `back\slash`,
		"new\nline", `'; rm -rf / #`, "*", "a'b'c''"}
	for _, w := range words {
		out, err := exec.Command("/bin/sh", "-c", "printf %s "+client.ShellQuote(w)).Output()
		if err != nil {
			t.Fatalf("sh for %q: %v", w, err)
		}
		if string(out) != w {
			t.Errorf("ShellQuote(%q) came back as %q", w, out)
		}
	}
}
