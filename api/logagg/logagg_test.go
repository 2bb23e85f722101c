package logagg

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"

	"github.com/goyarn/goyarn/api"
)

var cid = api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 1}, Attempt: 1}, Seq: 2}

func TestValidFileName(t *testing.T) {
	for name, want := range map[string]bool{
		"stdout": true, "AppMaster.stderr": true, "é-log": true, "a b": true,
		"": false, ".": false, "..": false, "a/b": false, `a\b`: false, "a\x00b": false,
		"x\nEnd of LogType:stdout": false, "\x1b[31mred": false, "bad\xffutf8": false,
	} {
		if got := ValidFileName(name); got != want {
			t.Errorf("ValidFileName(%q) = %v, want %v", name, got, want)
		}
	}
}

// Scan yields the well-formed entries of an archive in order and skips
// entries whose names a reader must not print or trust.
func TestScanSkipsBadEntries(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range []string{EntryName(cid, "stdout"), EntryName(cid, "x\nContainer: forged"), "not-a-container/stdout",
		EntryName(cid, "../escape"), EntryName(cid, "stderr")} {
		body := []byte("content of " + name)
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(body)), Mode: 0o644}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := Scan(&buf, func(f File, r io.Reader) error {
		b, _ := io.ReadAll(r)
		got = append(got, f.Name+"="+string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stdout=content of " + EntryName(cid, "stdout"), "stderr=content of " + EntryName(cid, "stderr")}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("Scan gave %q, want %q", got, want)
	}
}
