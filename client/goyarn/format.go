package goyarn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// Column formats of Hadoop's ApplicationCLI and NodeCLI (printf widths,
// right-aligned, never truncated).
const (
	appsPattern       = "%30s\t%20s\t%20s\t%10s\t%10s\t%18s\t%18s\t%15s\t%35s\n"
	attemptsPattern   = "%30s\t%20s\t%35s\t%35s\n"
	containersPattern = "%30s\t%20s\t%20s\t%20s\t%20s\t%20s\t%35s\n"
	nodesPattern      = "%16s\t%15s\t%17s\t%28s\n"
)

// javaAppStates is YarnApplicationState.values() order; javaNodeStates is
// NodeState.values() order (Java prints sets and help in these orders).
var (
	javaAppStates  = api.AppStates
	javaNodeStates = []api.NodeState{api.NodeNew, api.NodeRunning, api.NodeUnhealthy, api.NodeDecommissioned,
		api.NodeLost, api.NodeRebooted, api.NodeDecommissioning, api.NodeShutdown}
)

// progress formats a 0-100 progress as Java's DecimalFormat("###.##%").
func progress(p yarn.Float) string {
	s := strconv.FormatFloat(float64(p), 'f', 2, 32)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s + "%"
}

// javaFloat formats f as Java's Float.toString does for ordinary values:
// the shortest text that reads back, with at least one decimal.
func javaFloat(f float64) string {
	s := strconv.FormatFloat(float64(float32(f)), 'f', -1, 32)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// javaList formats items as Java's Collection.toString: [a, b].
func javaList[S ~string](items []S) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = string(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// joinComma joins states with "," (Java's help texts).
func joinComma[S ~string](items []S) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

// orNA is s, or "N/A" when s is empty.
func orNA(s string) string {
	if s == "" {
		return "N/A"
	}
	return s
}

// timesFormat is YARN's Times.format: "N/A" for no time.
func timesFormat(ms int64, loc *time.Location) string {
	if ms <= 0 {
		return "N/A"
	}
	return yarn.FormatLogTime(time.UnixMilli(ms).In(loc))
}

// healthTime is NodeCLI's "E dd/MMM/yy hh:mm:ss:SSzz".
func healthTime(ms int64, loc *time.Location) string {
	t := time.UnixMilli(ms).In(loc)
	return t.Format("Mon 02/Jan/06 03:04:05") + fmt.Sprintf(":%02d", t.Nanosecond()/1e6) + t.Format("MST")
}

// nodeString is LogAggregationUtils.getNodeString: host_port.
func nodeString(id api.NodeID) string { return strings.ReplaceAll(id.String(), ":", "_") }

// splitUpper splits a comma list, trims and upper-cases each entry.
func splitUpper(s string) []string {
	var out []string
	for _, p := range yarn.SplitList(s) {
		out = append(out, strings.ToUpper(p))
	}
	return out
}

// uniqueSorted sorts and de-duplicates (Java's HashSet order is arbitrary;
// goyarn prints sets sorted).
func uniqueSorted(items []string) []string {
	out := slices.Clone(items)
	slices.Sort(out)
	return slices.Compact(out)
}

// inOrder returns the members of set in the order of all.
func inOrder[S comparable](all, set []S) []S {
	var out []S
	for _, s := range all {
		if slices.Contains(set, s) {
			out = append(out, s)
		}
	}
	return out
}
