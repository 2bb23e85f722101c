package logaggregation

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/logagg"
)

func cid(t *testing.T, s string) api.ContainerID {
	t.Helper()
	id, err := api.ParseContainerID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// read returns the archive's entries: name → content.
func read(t *testing.T, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := logagg.Scan(bytes.NewReader(data), func(f logagg.File, r io.Reader) error {
		b, err := io.ReadAll(r)
		out[logagg.EntryName(f.Container, f.Name)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteArchiveKeepsRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "c1")
	secret := filepath.Join(dir, "secret")
	must(t, os.MkdirAll(filepath.Join(logs, "sub"), 0o755))
	must(t, os.WriteFile(secret, []byte("the cluster secret"), 0o600))
	must(t, os.WriteFile(filepath.Join(logs, "stdout"), []byte("hello\n"), 0o640))
	mtime := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	must(t, os.Chtimes(filepath.Join(logs, "stdout"), mtime, mtime))
	must(t, os.WriteFile(filepath.Join(logs, "sub", "deep"), []byte("deep"), 0o644))
	must(t, os.Symlink(secret, filepath.Join(logs, "link")))
	must(t, syscall.Mkfifo(filepath.Join(logs, "fifo"), 0o644)) // opening it for reading would block

	id := cid(t, "container_1_0001_01_000001")
	var buf bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := WriteArchive(&buf, []Container{{ID: id, LogDir: logs}, {ID: cid(t, "container_1_0001_01_000002"), LogDir: filepath.Join(dir, "missing")}}, 1<<20, time.Now())
		done <- err
	}()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("WriteArchive blocked (on the FIFO?)")
	}
	got := read(t, buf.Bytes())
	if got[id.String()+"/stdout"] != "hello\n" {
		t.Errorf("stdout = %q", got[id.String()+"/stdout"])
	}
	for name, body := range got {
		if strings.Contains(body, "the cluster secret") || strings.Contains(name, "deep") || strings.HasSuffix(name, "/fifo") {
			t.Errorf("archive holds %s: %q", name, body)
		}
	}
	marker := got[logagg.EntryName(id, logagg.TruncatedMarker)]
	for _, want := range []string{"link: skipped (symlink", "fifo: skipped (FIFO", "sub: skipped (directory"} {
		if !strings.Contains(marker, want) {
			t.Errorf("marker lacks %q:\n%s", want, marker)
		}
	}
	// mode and mtime survive
	err := logagg.Scan(bytes.NewReader(buf.Bytes()), func(f logagg.File, _ io.Reader) error {
		if f.Name == "stdout" && (f.Mode != 0o640 || !f.ModTime.Equal(mtime)) {
			t.Errorf("stdout: mode %v mtime %v", f.Mode, f.ModTime)
		}
		return nil
	})
	must(t, err)
}

func TestWriteArchiveCapsEachContainer(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "a"), []byte("0123456789"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "b"), []byte("abcdefghij"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "c"), []byte("zzz"), 0o644))
	id := cid(t, "container_1_0001_01_000003")
	var buf bytes.Buffer
	st, err := WriteArchive(&buf, []Container{{ID: id, LogDir: dir}}, 15, time.Now())
	must(t, err)
	got := read(t, buf.Bytes())
	if got[id.String()+"/a"] != "0123456789" || got[id.String()+"/b"] != "fghij" {
		t.Errorf("a = %q, b = %q (want all of a, the last 5 bytes of b)", got[id.String()+"/a"], got[id.String()+"/b"])
	}
	if _, ok := got[id.String()+"/c"]; ok {
		t.Error("c is past the cap but in the archive")
	}
	marker := got[logagg.EntryName(id, logagg.TruncatedMarker)]
	if !strings.Contains(marker, "b: truncated to its last 5 of 10 bytes") || !strings.Contains(marker, "c: left out") {
		t.Errorf("marker:\n%s", marker)
	}
	if st.Bytes != 15 || st.Truncated != 1 {
		t.Errorf("stats %+v", st)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
