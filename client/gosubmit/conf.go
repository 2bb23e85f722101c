package gosubmit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/client"
)

// Configuration keys gosubmit reads besides those of package protocol.
const (
	confMaster           = "spark.master"
	confDeployMode       = "spark.submit.deployMode"
	confQueue            = "spark.yarn.queue"
	confAMCores          = "spark.yarn.am.cores"                // client mode AM: 1
	confCoresMax         = "spark.cores.max"                    // = --total-executor-cores
	confReportInterval   = "spark.yarn.report.interval"         // 1s
	confLoggingFrequency = "spark.yarn.report.loggingFrequency" // 30
	confPreserveStaging  = "spark.yarn.preserve.staging.files"  // false
)

// parseConfFlags turns --conf key=value flags into a map (a later key wins).
func parseConfFlags(values []string) (map[string]string, error) {
	conf := map[string]string{}
	var bad problems
	for _, kv := range values {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			bad.add("--conf %q: want key=value", kv)
			continue
		}
		conf[k] = v
	}
	return conf, bad.err()
}

// confKinds says how the values of known keys are checked.
var confKinds = map[string]string{
	protocol.ConfExecutorInstances:     "count",
	protocol.ConfExecutorCores:         "count",
	protocol.ConfDriverCores:           "count",
	confAMCores:                        "count",
	confCoresMax:                       "count",
	protocol.ConfMaxAppAttempts:        "count",
	protocol.ConfTaskMaxFailures:       "count",
	protocol.ConfDefaultParallelism:    "count",
	confLoggingFrequency:               "count",
	protocol.ConfMaxExecutorFailures:   "natural",
	protocol.ConfExecutorMemory:        "memory",
	protocol.ConfDriverMemory:          "memory",
	protocol.ConfAMMemory:              "memory",
	protocol.ConfMinRegisteredRatio:    "ratio",
	protocol.ConfMaxRegisteredWait:     "time-ms",
	confReportInterval:                 "time-ms",
	protocol.ConfExecutorHeartbeatWait: "time-s",
	protocol.ConfWaitAppCompletion:     "bool",
	confPreserveStaging:                "bool",
	confDeployMode:                     "mode",
	protocol.ConfDriverHost:            "nonempty",
	protocol.ConfAppName:               "nonempty",
	confQueue:                          "nonempty",
}

// validateConf checks the values of the keys gosubmit, the AM and the
// engine read; other keys pass through unchecked.
func validateConf(conf map[string]string, bad *problems) {
	for _, k := range sortedKeys(conf) {
		v := conf[k]
		for _, prefix := range []string{protocol.ConfExecutorEnvPrefix, protocol.ConfAMEnvPrefix} {
			if name, ok := strings.CutPrefix(k, prefix); ok && (name == "" || strings.ContainsAny(name, "= \t\n\x00")) {
				bad.add("--conf %s: %q is not an environment variable name", k, name)
			}
		}
		var err error
		switch confKinds[k] {
		case "count", "natural":
			least := map[string]int{"count": 1, "natural": 0}[confKinds[k]]
			if n, e := strconv.Atoi(strings.TrimSpace(v)); e != nil || n < least {
				err = fmt.Errorf("want a whole number of at least %d", least)
			}
		case "memory":
			_, err = client.ParseMemoryMB(v)
		case "ratio":
			var f float64
			if f, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || f < 0 || f > 1 {
				err = errors.New("want a number within 0-1")
			}
		case "time-ms":
			_, err = parseTime(v, time.Millisecond)
		case "time-s":
			_, err = parseTime(v, time.Second)
		case "bool":
			_, err = parseBool(v)
		case "mode":
			if m := strings.ToLower(v); m != modeClient && m != modeCluster {
				err = errors.New("want client or cluster")
			}
		case "nonempty":
			if strings.TrimSpace(v) == "" {
				err = errors.New("must not be empty")
			}
		}
		if err != nil {
			bad.add("--conf %s=%s: %v", k, v, err)
		}
	}
}

var timeSuffixes = map[string]time.Duration{
	"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
	"m": time.Minute, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
}

// parseTime parses a duration as Spark's JavaUtils.timeStringAs does: a
// whole number with an optional suffix us, ms, s, m/min, h or d; a bare
// number is in unit.
func parseTime(s string, unit time.Duration) (time.Duration, error) {
	lower := strings.ToLower(strings.TrimSpace(s))
	digits := len(lower) - len(strings.TrimLeft(lower, "0123456789"))
	num, suffix := lower[:digits], lower[digits:]
	mul := unit
	if suffix != "" {
		mul = timeSuffixes[suffix]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if num == "" || mul == 0 || err != nil || n > int64(1<<62)/int64(mul) {
		return 0, errors.New("want a duration such as 500ms, 10s or 2min")
	}
	return time.Duration(n) * mul, nil
}

// parseBool accepts what Spark's conf does: true or false, any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errors.New("want true or false")
}

// The conf accessors below read values validateConf accepted; anything
// else falls back to the default.

func confBool(conf map[string]string, key string, def bool) bool {
	if b, err := parseBool(conf[key]); err == nil {
		return b
	}
	return def
}

func confInt(conf map[string]string, key string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(conf[key])); err == nil {
		return n
	}
	return def
}

func confTime(conf map[string]string, key string, unit, def time.Duration) time.Duration {
	if d, err := parseTime(conf[key], unit); err == nil && d > 0 {
		return d
	}
	return def
}

func confString(conf map[string]string, key, def string) string {
	if v := strings.TrimSpace(conf[key]); v != "" {
		return v
	}
	return def
}

// prefixed returns the entries of conf under prefix, keyed by the rest.
func prefixed(conf map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range conf {
		if name, ok := strings.CutPrefix(k, prefix); ok && name != "" {
			out[name] = v
		}
	}
	return out
}

// resolveConf records the effective settings in the configuration the
// driver and the AM receive, in spark-submit's keys and forms.
func (sp *spec) resolveConf() {
	c := sp.conf
	c[confMaster] = "yarn"
	c[confDeployMode] = sp.mode
	c[protocol.ConfAppName] = sp.name
	c[confQueue] = sp.queue
	c[protocol.ConfExecutorInstances] = strconv.Itoa(sp.executors)
	c[protocol.ConfExecutorCores] = strconv.FormatInt(sp.executorCores, 10)
	c[protocol.ConfExecutorMemory] = strconv.FormatInt(sp.executorMB, 10) + "m"
	c[protocol.ConfDriverMemory] = strconv.FormatInt(sp.driverMB, 10) + "m"
	c[protocol.ConfDriverCores] = strconv.FormatInt(sp.driverCores, 10)
	if sp.mode == modeClient {
		c[protocol.ConfDriverHost] = sp.driverHost
		c[protocol.ConfAMMemory] = strconv.FormatInt(sp.amMB, 10) + "m"
		c[confAMCores] = strconv.FormatInt(sp.amCores, 10)
	} else {
		sp.amMB, sp.amCores = sp.driverMB, sp.driverCores
	}
}
