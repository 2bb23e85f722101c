package textfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readAll(t *testing.T, splits []Split) []string {
	t.Helper()
	var got []string
	for _, s := range splits {
		err := Lines(context.Background(), s, func(l string) bool { got = append(got, l); return true })
		if err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// Every split size gives back every line exactly once, in order.
func TestSplitsNeverCutOrRepeatLines(t *testing.T) {
	contents := map[string]string{
		"plain":      "alpha beta\ngamma\n\ndelta epsilon zeta\neta\n",
		"no-newline": "one\ntwo\nthree",
		"crlf":       "one\r\ntwo\r\n\r\nthree\r\n",
		"long-line":  strings.Repeat("x", 300) + "\nshort\n" + strings.Repeat("y", 200),
		"single":     "x",
		"newlines":   "\n\n\n",
	}
	for name, content := range contents {
		t.Run(name, func(t *testing.T) {
			p := write(t, t.TempDir(), "f.txt", content)
			want := strings.Split(strings.ReplaceAll(content, "\r\n", "\n"), "\n")
			if strings.HasSuffix(content, "\n") {
				want = want[:len(want)-1]
			}
			for size := int64(1); size <= int64(len(content))+1; size++ {
				splits, err := Plan(p, 1, size)
				if err != nil {
					t.Fatal(err)
				}
				if got := readAll(t, splits); !slices.Equal(got, want) {
					t.Fatalf("split size %d: got %q, want %q", size, got, want)
				}
			}
		})
	}
}

func TestPlanPartitions(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.txt", strings.Repeat("line\n", 100)) // 500 bytes
	write(t, dir, "b.txt", "b\n")
	write(t, dir, "empty.txt", "")
	write(t, dir, "_SUCCESS", "")
	write(t, dir, ".hidden", "secret\n")
	tests := []struct {
		name    string
		pattern string
		minP    int
		want    int
	}{
		{"directory skips hidden and empty", dir, 1, 2},
		{"glob", filepath.Join(dir, "*.txt"), 1, 2},
		{"min partitions cut the large file", filepath.Join(dir, "a.txt"), 4, 4},
		{"comma list", filepath.Join(dir, "a.txt") + "," + filepath.Join(dir, "b.txt"), 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			splits, err := Plan(tc.pattern, tc.minP, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(splits) != tc.want {
				t.Fatalf("got %d splits %v, want %d", len(splits), splits, tc.want)
			}
		})
	}
}

func TestPlanMissingInput(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "nope.txt"), filepath.Join(dir, "*.nope"), " , "} {
		if _, err := Plan(p, 1, 0); !errors.Is(err, ErrNoInput) {
			t.Errorf("Plan(%q) = %v, want ErrNoInput", p, err)
		}
	}
}

func TestLinesStopsWhenAsked(t *testing.T) {
	p := write(t, t.TempDir(), "f", "a\nb\nc\n")
	var got []string
	err := Lines(context.Background(), Split{Path: p, Length: 6}, func(l string) bool {
		got = append(got, l)
		return len(got) < 2
	})
	if err != nil || !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("got %q, %v", got, err)
	}
}
