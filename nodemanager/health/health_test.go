package health

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	base := t.TempDir()
	good := filepath.Join(base, "good")
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dirs    []string
		freeMB  int64
		min     int64
		healthy bool
		report  string
	}{
		{name: "healthy, dir created", dirs: []string{good}, freeMB: 100, min: 10, healthy: true},
		{name: "low disk", dirs: []string{good}, freeMB: 5, min: 10, report: "5 MB free, below the minimum 10 MB"},
		{name: "not a directory", dirs: []string{good, filepath.Join(file, "sub")}, freeMB: 100, report: "is not usable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Checker{Dirs: tc.dirs, MinFreeMB: tc.min, FreeMB: func(string) (int64, error) { return tc.freeMB, nil }}
			h := c.Check(now)
			if h.Healthy != tc.healthy || !strings.Contains(h.Report, tc.report) || h.LastReport != now.UnixMilli() {
				t.Fatalf("health = %+v", h)
			}
		})
	}
}

func TestStatfs(t *testing.T) {
	c := &Checker{Dirs: []string{t.TempDir()}}
	if h := c.Check(time.Now()); !h.Healthy {
		t.Fatalf("temp dir unhealthy: %s", h.Report)
	}
}
