package localizer

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/goyarn/goyarn/api"
)

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

type tarEntry struct {
	name, body, link string
	typ              byte
	mode             int64
}

func makeTar(t *testing.T, path string, gz bool, entries []tarEntry) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, Size: int64(len(e.body))}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if gz {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		zw.Write(data)
		zw.Close()
		data = zb.Bytes()
	}
	write(t, path, string(data), 0o644)
}

func makeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, path, buf.String(), 0o644)
}

func TestLocalize(t *testing.T) {
	base := t.TempDir()
	staging := filepath.Join(base, "staging")
	outside := filepath.Join(base, "outside")
	write(t, filepath.Join(staging, "app", "prog"), "#!/bin/sh\necho hi\n", 0o755)
	write(t, filepath.Join(staging, "app", "conf.txt"), "conf", 0o640)
	write(t, filepath.Join(staging, "app", "dir", "a.txt"), "a", 0o644)
	write(t, filepath.Join(outside, "secret"), "secret", 0o600)
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(staging, "app", "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(staging, "app", "conf.txt"), filepath.Join(staging, "app", "inside-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(staging, "app", "dir2-escape")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(staging, "app", "dir2", "ok"), "ok", 0o644)
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(staging, "app", "dir2", "leak")); err != nil {
		t.Fatal(err)
	}
	makeTar(t, filepath.Join(staging, "app", "env.tar.gz"), true, []tarEntry{
		{name: "bin/", typ: tar.TypeDir, mode: 0o755},
		{name: "bin/tool", typ: tar.TypeReg, body: "tool", mode: 0o755},
		{name: "lib/x.txt", typ: tar.TypeReg, body: "x"},
		{name: "bin/link", typ: tar.TypeSymlink, link: "../lib/x.txt"},
	})
	makeTar(t, filepath.Join(staging, "app", "plain.tar"), false, []tarEntry{{name: "f", typ: tar.TypeReg, body: "f"}})
	makeZip(t, filepath.Join(staging, "app", "z.zip"), map[string]string{"pkg/m.py": "print(1)"})
	makeTar(t, filepath.Join(staging, "app", "slip.tar"), false, []tarEntry{{name: "../../evil", typ: tar.TypeReg, body: "x"}})
	makeTar(t, filepath.Join(staging, "app", "abs.tgz"), true, []tarEntry{{name: "/etc/evil", typ: tar.TypeReg, body: "x"}})
	makeTar(t, filepath.Join(staging, "app", "badlink.tar"), false, []tarEntry{
		{name: "l", typ: tar.TypeSymlink, link: "/etc"},
	})
	makeTar(t, filepath.Join(staging, "app", "uplink.tar"), false, []tarEntry{
		{name: "d/l", typ: tar.TypeSymlink, link: "../../x"},
	})
	makeTar(t, filepath.Join(staging, "app", "through.tar"), false, []tarEntry{
		{name: "dot", typ: tar.TypeSymlink, link: "."},
		{name: "dot/dot/l", typ: tar.TypeSymlink, link: "../x"},
	})
	makeZip(t, filepath.Join(staging, "app", "zslip.zip"), map[string]string{"../up.txt": "x"})
	write(t, filepath.Join(staging, "app", "x.rar"), "rar", 0o644)

	l, err := New([]string{staging}, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := func(p string) api.LocalResource { return api.LocalResource{URL: p, Type: api.ResourceFile} }
	archive := func(p string) api.LocalResource { return api.LocalResource{URL: p, Type: api.ResourceArchive} }
	app := filepath.Join(staging, "app")

	tests := []struct {
		name    string
		res     map[string]api.LocalResource
		wantErr error
		check   func(t *testing.T, work string)
	}{
		{name: "file by path keeps exec bit", res: map[string]api.LocalResource{"prog": file(filepath.Join(app, "prog"))},
			check: func(t *testing.T, work string) {
				fi, err := os.Stat(filepath.Join(work, "prog"))
				if err != nil || fi.Mode().Perm()&0o100 == 0 {
					t.Fatalf("prog: %v %v", fi, err)
				}
			}},
		{name: "file URL, default type", res: map[string]api.LocalResource{"c": {URL: "file://" + filepath.Join(app, "conf.txt")}},
			check: func(t *testing.T, work string) { wantContent(t, filepath.Join(work, "c"), "conf") }},
		{name: "symlink inside the root", res: map[string]api.LocalResource{"c": file(filepath.Join(app, "inside-link"))},
			check: func(t *testing.T, work string) { wantContent(t, filepath.Join(work, "c"), "conf") }},
		{name: "directory", res: map[string]api.LocalResource{"d": file(filepath.Join(app, "dir"))},
			check: func(t *testing.T, work string) { wantContent(t, filepath.Join(work, "d", "a.txt"), "a") }},
		{name: "tar.gz archive", res: map[string]api.LocalResource{"env": archive(filepath.Join(app, "env.tar.gz"))},
			check: func(t *testing.T, work string) {
				wantContent(t, filepath.Join(work, "env", "bin", "tool"), "tool")
				wantContent(t, filepath.Join(work, "env", "bin", "link"), "x")
				if fi, _ := os.Stat(filepath.Join(work, "env", "bin", "tool")); fi == nil || fi.Mode().Perm()&0o100 == 0 {
					t.Fatal("tool lost its exec bit")
				}
			}},
		{name: "tar archive", res: map[string]api.LocalResource{"p": archive(filepath.Join(app, "plain.tar"))},
			check: func(t *testing.T, work string) { wantContent(t, filepath.Join(work, "p", "f"), "f") }},
		{name: "zip archive", res: map[string]api.LocalResource{"z": archive("file://" + filepath.Join(app, "z.zip"))},
			check: func(t *testing.T, work string) { wantContent(t, filepath.Join(work, "z", "pkg", "m.py"), "print(1)") }},

		{name: "outside the roots", res: map[string]api.LocalResource{"s": file(filepath.Join(outside, "secret"))}, wantErr: ErrOutsideRoots},
		{name: "dotdot in the path", res: map[string]api.LocalResource{"s": file(app + "/../../outside/secret")}, wantErr: ErrOutsideRoots},
		{name: "symlink escaping the root", res: map[string]api.LocalResource{"s": file(filepath.Join(app, "escape"))}, wantErr: ErrOutsideRoots},
		{name: "symlink escaping inside a dir", res: map[string]api.LocalResource{"d": file(filepath.Join(app, "dir2"))}, wantErr: ErrOutsideRoots},
		{name: "name with dotdot", res: map[string]api.LocalResource{"..": file(filepath.Join(app, "prog"))}, wantErr: ErrBadName},
		{name: "name with slash", res: map[string]api.LocalResource{"../x": file(filepath.Join(app, "prog"))}, wantErr: ErrBadName},
		{name: "empty name", res: map[string]api.LocalResource{"": file(filepath.Join(app, "prog"))}, wantErr: ErrBadName},
		{name: "relative source", res: map[string]api.LocalResource{"p": file("app/prog")}, wantErr: ErrBadSource},
		{name: "remote URL", res: map[string]api.LocalResource{"p": file("hdfs://nn/app/prog")}, wantErr: ErrBadSource},
		{name: "missing source", res: map[string]api.LocalResource{"p": file(filepath.Join(app, "nope"))}, wantErr: ErrBadSource},
		{name: "pattern type", res: map[string]api.LocalResource{"p": {URL: filepath.Join(app, "z.zip"), Type: api.ResourcePattern}}, wantErr: ErrUnsupported},
		{name: "unknown archive", res: map[string]api.LocalResource{"r": archive(filepath.Join(app, "x.rar"))}, wantErr: ErrUnsupported},
		{name: "tar slip", res: map[string]api.LocalResource{"s": archive(filepath.Join(app, "slip.tar"))}, wantErr: ErrBadArchive},
		{name: "tar absolute entry", res: map[string]api.LocalResource{"s": archive(filepath.Join(app, "abs.tgz"))}, wantErr: ErrBadArchive},
		{name: "tar absolute symlink", res: map[string]api.LocalResource{"s": archive(filepath.Join(app, "badlink.tar"))}, wantErr: ErrBadArchive},
		{name: "tar symlink leading up", res: map[string]api.LocalResource{"s": archive(filepath.Join(app, "uplink.tar"))}, wantErr: ErrBadArchive},
		{name: "zip slip", res: map[string]api.LocalResource{"s": archive(filepath.Join(app, "zslip.zip"))}, wantErr: ErrBadArchive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			work := filepath.Join(t.TempDir(), "work")
			if err := os.Mkdir(work, 0o755); err != nil {
				t.Fatal(err)
			}
			err := l.Localize(context.Background(), work, tc.res)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, work)
		})
	}

	t.Run("link through a link stays inside", func(t *testing.T) {
		work := filepath.Join(t.TempDir(), "work")
		os.Mkdir(work, 0o755)
		err := l.Localize(context.Background(), work, map[string]api.LocalResource{"t": archive(filepath.Join(app, "through.tar"))})
		// "dot/dot/l" looks inside by its name but would sit at t/l and
		// point out of t: entries are never written through a symlink.
		if !errors.Is(err, ErrBadArchive) {
			t.Fatal("archive writing through a symlink was accepted")
		}
		if _, err := os.Lstat(filepath.Join(work, "t", "l")); err == nil {
			t.Fatal("entry escaped its directory")
		}
	})
	if _, err := os.Stat(filepath.Join(base, "evil")); err == nil {
		t.Fatal("tar slip wrote outside the work dir")
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || string(b) != want {
		t.Fatalf("%s: %q, %v; want %q", path, b, err, want)
	}
}

func TestNewRefusesRelativeRoots(t *testing.T) {
	if _, err := New([]string{"rel"}, nil); err == nil {
		t.Fatal("relative root accepted")
	}
	if _, err := New(nil, nil); err == nil {
		t.Fatal("no roots and no store accepted")
	}
}
