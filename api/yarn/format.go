package yarn

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Float is a Java float in a YARN body (capacities, percentages, progress).
// It encodes like Java's shortest float text, and, as Hadoop's JSON provider
// does, writes NaN and the infinities as the strings "NaN", "Infinity" and
// "-Infinity" instead of failing the whole response (a capacity computed on
// an empty cluster is 0/0). It decodes numbers and those strings.
type Float float32

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	}
	return json.Marshal(float32(f))
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var q string
		if err := json.Unmarshal(b, &q); err != nil {
			return err
		}
		s = q
	}
	switch s {
	case "NaN":
		*f = Float(math.NaN())
		return nil
	case "Infinity":
		*f = Float(math.Inf(1))
		return nil
	case "-Infinity":
		*f = Float(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(s, 32)
	if err != nil {
		return fmt.Errorf("yarn: %q is not a float", s)
	}
	*f = Float(v)
	return nil
}

// Percent returns part/whole*100 as a Float, and 0 when whole is 0, which is
// what the RM shows for usage of an empty queue or cluster.
func Percent(part, whole int64) Float {
	if whole == 0 {
		return 0
	}
	return Float(float64(part) / float64(whole) * 100)
}

// JoinTags formats application tags as the app object's applicationTags
// field: comma separated, no spaces, in the given order (YARN lowercases
// tags at submission; see NormalizeTags).
func JoinTags(tags []string) string { return strings.Join(tags, ",") }

// SplitTags parses a comma-separated tag list (the applicationTags field or
// the applicationTags query parameter): entries are trimmed and empty ones
// dropped. It returns nil for an empty string.
func SplitTags(s string) []string { return SplitList(s) }

// SplitList parses a comma-separated query parameter (states,
// applicationTypes, applicationTags): entries are trimmed, empty ones
// dropped. Repeated parameters (states=A&states=B) should be split each and
// concatenated, as YARN accepts both forms.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NormalizeTags is what YARN does to submitted application tags: trim,
// lowercase, drop empty and duplicate tags. Order of first appearance is kept.
func NormalizeTags(tags []string) []string {
	var out []string
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// Millis is a time as YARN's REST bodies carry it: milliseconds since the
// epoch, 0 for the zero time.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Elapsed is YARN's Times.elapsed for the elapsedTime fields (all in ms):
// finished-started once finished, now-started while running, 0 if not
// started, and -1 if the clock went backwards.
func Elapsed(started, finished int64, now time.Time) int64 {
	if started <= 0 {
		return 0
	}
	end := finished
	if end <= 0 {
		end = now.UnixMilli()
	}
	if end < started {
		return -1
	}
	return end - started
}

// logTimeLayout is Java's "EEE MMM dd HH:mm:ss Z yyyy" (YARN's Times.format),
// used for the lastModifiedTime of container log files.
const logTimeLayout = "Mon Jan 02 15:04:05 -0700 2006"

// FormatLogTime formats t as YARN's Times.format does ("N/A" for the zero
// time), e.g. "Tue Jan 30 17:42:00 +0000 2018".
func FormatLogTime(t time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return t.Format(logTimeLayout)
}

// ParseLogTime parses FormatLogTime's form.
func ParseLogTime(s string) (time.Time, error) { return time.Parse(logTimeLayout, s) }

// ContainerLogsURL is the link YARN puts in amContainerLogs, logsLink and
// containerLogsLink: <scheme>://<nodeHTTPAddress>/node/containerlogs/<cid>/<user>.
// scheme is "http" or "https"; nodeHTTPAddress is host:port.
func ContainerLogsURL(scheme, nodeHTTPAddress, containerID, user string) string {
	return scheme + "://" + nodeHTTPAddress + "/node/containerlogs/" + containerID + "/" + user
}

// ProxyURL is the RM proxy tracking URL of a running application:
// <scheme>://<rmHTTPAddress>/proxy/<appID>/.
func ProxyURL(scheme, rmHTTPAddress, appID string) string {
	return scheme + "://" + rmHTTPAddress + "/proxy/" + appID + "/"
}

// AppPageURL is the RM's page for an application, the tracking URL YARN
// shows once it has finished and no history server is configured:
// <scheme>://<rmHTTPAddress>/cluster/app/<appID>.
func AppPageURL(scheme, rmHTTPAddress, appID string) string {
	return scheme + "://" + rmHTTPAddress + "/cluster/app/" + appID
}
