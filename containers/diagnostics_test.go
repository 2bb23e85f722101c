package containers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStderrTail(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "stderr"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	long := strings.Repeat("x", StderrTailBytes) + "the end\n"
	for _, tc := range []struct {
		name, logDir, want string
	}{
		{"no log dir", "", ""},
		{"no stderr", filepath.Join(dir, "none"), ""},
		{"blank stderr", write("blank", " \n\t\n"), ""},
		{"short stderr", write("short", "boom\n"), " Last 4096 bytes of stderr :\nboom\n"},
		{"long stderr", write("long", long), " Last 4096 bytes of stderr :\n" + long[len(long)-StderrTailBytes:]},
	} {
		if got := StderrTail(tc.logDir); got != tc.want {
			t.Errorf("%s: StderrTail = %.80q, want %.80q", tc.name, got, tc.want)
		}
	}
}
