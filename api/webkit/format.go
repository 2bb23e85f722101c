package webkit

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
)

// Funcs are the template helpers every page may use. None reads a clock:
// pages pass .Now.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"fmtTime":    fmtTime,
		"ago":        ago,
		"dur":        fmtDuration,
		"elapsed":    elapsed,
		"mb":         fmtMB,
		"pct":        percent,
		"clamp":      ClampPercent,
		"fmtPct":     fmtPercent,
		"stateClass": stateClass,
		"lower":      lower,
		"res":        fmtResource,
		"count":      count,
		"bytes":      FormatBytes,
	}
}

// FormatBytes shows a byte count: "512 B", "12.3 KB", "1.5 MB".
func FormatBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, units := float64(n)/1024, []string{"KB", "MB", "GB", "TB"}
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".") + " " + units[i]
}

// fmtResource is a resource as people read it: "1.5 GB, 2 vcores".
func fmtResource(r api.Resource) string {
	return fmtMB(r.MemoryMB) + ", " + count(int(r.VCores), "vcore")
}

// count is n and a noun, plural unless n is 1: "1 container", "0 vcores".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// lower is any value's text in lower case (state types are named strings).
func lower(v any) string { return strings.ToLower(fmt.Sprint(v)) }

// fmtTime is a timestamp in UTC, "2026-11-21 05:28:59 UTC"; N/A for the zero
// time.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// ago is how long before now t was, "3m 12s ago"; "never" for the zero time
// and "in the future" if the clocks disagree.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	if d < 0 {
		return "in the future"
	}
	return fmtDuration(d) + " ago"
}

// fmtDuration is d in its two largest units: "0.4s", "45s", "3m 12s",
// "2h 5m", "3d 4h" (tenths of a second below 10 s).
func fmtDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d < 10*time.Second {
		return strings.TrimSuffix(strconv.FormatFloat(float64(d/(100*time.Millisecond))/10, 'f', 1, 64), ".0") + "s"
	}
	s := int64(d / time.Second)
	days, s := s/86400, s%86400
	hours, s := s/3600, s%3600
	mins, secs := s/60, s%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case mins > 0:
		return fmt.Sprintf("%dm %ds", mins, secs)
	}
	return fmt.Sprintf("%ds", secs)
}

// elapsed is the time from start to end (or to now while end is zero); N/A
// before the start.
func elapsed(now, start, end time.Time) string {
	if start.IsZero() {
		return "N/A"
	}
	if end.IsZero() {
		end = now
	}
	return fmtDuration(end.Sub(start))
}

// fmtMB shows a size given in MB as MB, GB or TB: "512 MB", "4 GB", "1.5 GB".
func fmtMB(mb int64) string {
	v, units := float64(mb), []string{"MB", "GB", "TB", "PB"}
	i := 0
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d MB", mb)
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".") + " " + units[i]
}

// percent is part/whole as a percentage for a bar, 0 when whole is 0,
// clamped to 0..100.
func percent(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return ClampPercent(100 * float64(part) / float64(whole))
}

// ClampPercent keeps a percentage inside 0..100 (NaN is 0), for bar widths.
func ClampPercent(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0:
		return 0
	case p > 100:
		return 100
	}
	return math.Round(p*10) / 10
}

// fmtPercent is p with at most one decimal, "42.5%".
func fmtPercent(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "N/A"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", math.Round(p*10)/10), "0"), ".") + "%"
}

// stateClass is the CSS class colouring a state badge: ok (green), run
// (blue), wait (grey), warn (amber) or bad (red).
func stateClass(state any) string {
	s := strings.ToUpper(fmt.Sprint(state))
	switch s {
	case "ACTIVE", "FINISHED", "SUCCEEDED", "EXITED_WITH_SUCCESS", "HEALTHY", "CONNECTED", "DONE":
		return "st st-ok"
	case "RUNNING", "LAUNCHED", "ALLOCATED", "ACQUIRED", "LOCALIZED", "LOCALIZING", "FINISHING", "INITING":
		return "st st-run"
	case "FAILED", "LOST", "UNHEALTHY", "EXITED_WITH_FAILURE", "LOCALIZATION_FAILED", "EXPIRED",
		"DISCONNECTED", "AUTH_FAILED", "STOPPED":
		return "st st-bad"
	case "KILLED", "KILLING", "CONTAINER_CLEANEDUP_AFTER_KILL", "DECOMMISSIONING", "DECOMMISSIONED",
		"REBOOTED", "SHUTDOWN", "RELEASED", "STANDBY", "CONNECTING":
		return "st st-warn"
	}
	return "st st-wait"
}
