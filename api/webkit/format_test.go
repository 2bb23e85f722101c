package webkit

import (
	"math"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
)

func TestFmtTime(t *testing.T) {
	at := time.Date(2026, 11, 21, 5, 28, 59, 0, time.FixedZone("CET", 3600)).Add(time.Hour)
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Time{}, "N/A"},
		{at, "2026-11-21 05:28:59 UTC"},
	} {
		if got := fmtTime(tc.in); got != tc.want {
			t.Errorf("fmtTime(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAgoAndDurations(t *testing.T) {
	now := time.Date(2026, 11, 21, 5, 28, 59, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s ago"},
		{900 * time.Millisecond, "0.9s ago"},
		{1049 * time.Millisecond, "1s ago"},
		{9999 * time.Millisecond, "9.9s ago"},
		{45 * time.Second, "45s ago"},
		{3*time.Minute + 12*time.Second, "3m 12s ago"},
		{2*time.Hour + 5*time.Minute + 9*time.Second, "2h 5m ago"},
		{76 * time.Hour, "3d 4h ago"},
		{-time.Minute, "in the future"},
	} {
		if got := ago(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("ago(-%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := ago(now, time.Time{}); got != "never" {
		t.Errorf("ago(zero) = %q", got)
	}
	if got := elapsed(now, time.Time{}, time.Time{}); got != "N/A" {
		t.Errorf("elapsed before start = %q", got)
	}
	if got := elapsed(now, now.Add(-time.Minute), time.Time{}); got != "1m 0s" {
		t.Errorf("elapsed while running = %q", got)
	}
	if got := elapsed(now, now.Add(-time.Hour), now.Add(-time.Hour+42*time.Second)); got != "42s" {
		t.Errorf("elapsed once finished = %q", got)
	}
}

func TestFmtMB(t *testing.T) {
	for _, tc := range []struct {
		mb   int64
		want string
	}{
		{0, "0 MB"}, {512, "512 MB"}, {1023, "1023 MB"}, {1024, "1 GB"}, {1536, "1.5 GB"}, {4096, "4 GB"},
		{16384, "16 GB"}, {1000 * 1024, "1000 GB"}, {1024 * 1024, "1 TB"}, {-2048, "-2 GB"},
	} {
		if got := fmtMB(tc.mb); got != tc.want {
			t.Errorf("fmtMB(%d) = %q, want %q", tc.mb, got, tc.want)
		}
	}
}

func TestPercentages(t *testing.T) {
	for _, tc := range []struct {
		part, whole int64
		want        float64
	}{{0, 0, 0}, {1, 0, 0}, {1, 8, 12.5}, {1, 3, 33.3}, {9, 8, 100}, {-1, 8, 0}} {
		if got := percent(tc.part, tc.whole); got != tc.want {
			t.Errorf("percent(%d, %d) = %v, want %v", tc.part, tc.whole, got, tc.want)
		}
	}
	if got := ClampPercent(math.NaN()); got != 0 {
		t.Errorf("ClampPercent(NaN) = %v", got)
	}
	for in, want := range map[float64]string{0: "0%", 12.5: "12.5%", 31.25: "31.3%", 100: "100%", 33.333: "33.3%"} {
		if got := fmtPercent(in); got != want {
			t.Errorf("fmtPercent(%v) = %q, want %q", in, got, want)
		}
	}
	if got := fmtPercent(math.Inf(1)); got != "N/A" {
		t.Errorf("fmtPercent(Inf) = %q", got)
	}
}

func TestResourceAndCount(t *testing.T) {
	for _, tc := range []struct {
		r    api.Resource
		want string
	}{{api.Res(1024, 1), "1 GB, 1 vcore"}, {api.Res(1536, 2), "1.5 GB, 2 vcores"}, {api.Res(0, 0), "0 MB, 0 vcores"}} {
		if got := fmtResource(tc.r); got != tc.want {
			t.Errorf("fmtResource(%v) = %q, want %q", tc.r, got, tc.want)
		}
	}
	if got := count(3, "container"); got != "3 containers" {
		t.Errorf("count(3) = %q", got)
	}
}

func TestStateClass(t *testing.T) {
	for in, want := range map[string]string{
		"ACTIVE": "st st-ok", "SUCCEEDED": "st st-ok", "RUNNING": "st st-run", "FAILED": "st st-bad",
		"LOST": "st st-bad", "KILLED": "st st-warn", "STANDBY": "st st-warn", "ACCEPTED": "st st-wait",
		"UNDEFINED": "st st-wait", "running": "st st-run", "": "st st-wait",
	} {
		if got := stateClass(in); got != want {
			t.Errorf("stateClass(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KB", 1536: "1.5 KB", 5 << 20: "5 MB", 3 << 30: "3 GB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
