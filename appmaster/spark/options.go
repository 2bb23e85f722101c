package spark

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// ErrInvalidOptions is wrapped by every Options problem.
var ErrInvalidOptions = errors.New("invalid spark application master options")

// DeployMode is where the driver runs.
type DeployMode string

// Deploy modes, as spark-submit names them.
const (
	// Cluster: the driver runs in the AM's container, started by the AM.
	Cluster DeployMode = "cluster"
	// Client: the driver runs on the submitter's machine; the AM only
	// launches executors.
	Client DeployMode = "client"
)

// ExecutorPriority is the priority of executor container requests (Spark's
// YarnAllocator asks at 1).
const ExecutorPriority int32 = 1

// ConfAMWaitTime bounds how long a cluster-mode AM waits for the driver to
// serve (Spark's spark.yarn.am.waitTime); DefaultDriverStartTimeout is its
// default.
const (
	ConfAMWaitTime            = "spark.yarn.am.waitTime"
	DefaultDriverStartTimeout = 100 * time.Second
)

// Options are the command line of `appmaster spark` (gosubmit builds it).
type Options struct {
	DeployMode DeployMode // --deploy-mode
	// Binary is the localized name of the user binary, in the AM's work dir
	// (cluster mode) and in every executor's (--binary).
	Binary string
	Args   []string // --arg, the application's arguments (cluster mode)
	// DriverURL is the client-mode driver's host:port (--driver-url).
	DriverURL        string
	NumExecutors     int   // --num-executors
	ExecutorMemoryMB int64 // --executor-memory (MB)
	ExecutorCores    int64 // --executor-cores (vcores)
	// ExecutorResources are the files every executor localizes, name → URL
	// (file:///…, an absolute path, s3://… or http(s)://…), as FILE
	// resources (--executor-resource name=URL).
	ExecutorResources map[string]string
	// ExecutorResourceStats are their size and modification time as staged,
	// name → "size:timestamp-ms" (--executor-resource-stat), which the
	// NodeManagers check as YARN does (Spark's spark.yarn.cache.sizes and
	// .timestamps). A resource without one is not checked.
	ExecutorResourceStats map[string]string
	ExecutorEnv           map[string]string // --executor-env K=V
	DriverEnv             map[string]string // --driver-env K=V (cluster mode)
	Conf                  map[string]string // --conf k=v, to the driver and executors
	// MaxExecutorFailures (--max-executor-failures); 0: the conf's
	// spark.yarn.max.executor.failures, else max(2×N, 3).
	MaxExecutorFailures int
	// ExecutorImage runs executors in this Docker image (--executor-image).
	ExecutorImage string
	// DriverTimeout is how long a client-mode driver may not answer before
	// the application fails (--driver-timeout).
	DriverTimeout time.Duration
	// Secret is the application's shared secret (protocol.EnvSecret in the
	// AM's environment, never a flag): sent to the driver with every call
	// and handed to the executors. Run reads it from Deps.Environ when empty.
	Secret string
}

// DefaultOptions: cluster mode, 2 executors of 1024 MB and 1 core, a 30 s
// driver timeout (spark-submit's defaults).
func DefaultOptions() Options {
	return Options{DeployMode: Cluster, NumExecutors: 2, ExecutorMemoryMB: 1024, ExecutorCores: 1, DriverTimeout: 30 * time.Second}
}

// Validate reports every problem at once.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...))
	}
	switch o.DeployMode {
	case Cluster:
		if o.DriverURL != "" {
			bad("--driver-url is for client mode only (the AM starts the driver in cluster mode)")
		}
	case Client:
		if o.DriverURL == "" {
			bad("client mode needs --driver-url host:port")
		} else if err := checkHostPort(o.DriverURL); err != nil {
			bad("--driver-url %q: %v", o.DriverURL, err)
		}
		if len(o.Args) > 0 {
			bad("--arg is for cluster mode only (in client mode the driver already runs)")
		}
		if len(o.DriverEnv) > 0 {
			bad("--driver-env is for cluster mode only (in client mode the driver already runs)")
		}
	default:
		bad("--deploy-mode %q: want cluster or client", o.DeployMode)
	}
	if err := checkName(o.Binary); err != nil {
		bad("--binary: %v", err)
	} else if _, ok := o.ExecutorResources[o.Binary]; !ok {
		bad("--binary %q is not among the --executor-resource names: executors could not run it", o.Binary)
	}
	if o.NumExecutors < 1 {
		bad("--num-executors %d must be at least 1", o.NumExecutors)
	}
	if o.ExecutorMemoryMB <= 0 {
		bad("--executor-memory %d must be positive (MB)", o.ExecutorMemoryMB)
	}
	if o.ExecutorCores <= 0 {
		bad("--executor-cores %d must be positive", o.ExecutorCores)
	}
	for name, v := range o.ExecutorResourceStats {
		if _, ok := o.ExecutorResources[name]; !ok {
			bad("--executor-resource-stat %q names no --executor-resource", name)
		}
		if _, _, err := ParseStat(v); err != nil {
			bad("--executor-resource-stat %s: %v", name, err)
		}
	}
	for name, u := range o.ExecutorResources {
		if err := checkName(name); err != nil {
			bad("--executor-resource %q: %v", name, err)
		}
		if err := checkResourceURL(u); err != nil {
			bad("--executor-resource %s=%s: %v", name, u, err)
		}
	}
	for flag, env := range map[string]map[string]string{"--executor-env": o.ExecutorEnv, "--driver-env": o.DriverEnv} {
		for k := range env {
			if !validEnvName(k) {
				bad("%s name %q is not a variable name", flag, k)
			}
		}
	}
	for k := range o.Conf {
		if strings.TrimSpace(k) == "" {
			bad("--conf with an empty key")
		}
		for _, prefix := range []string{protocol.ConfExecutorEnvPrefix, protocol.ConfAMEnvPrefix} {
			if name, ok := strings.CutPrefix(k, prefix); ok && !validEnvName(name) {
				bad("--conf %s: %q is not a variable name", k, name)
			}
		}
	}
	if o.MaxExecutorFailures < 0 {
		bad("--max-executor-failures %d must not be negative", o.MaxExecutorFailures)
	}
	if v, ok := o.Conf[protocol.ConfMaxExecutorFailures]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 1 {
			bad("--conf %s=%s: want a positive integer", protocol.ConfMaxExecutorFailures, v)
		}
	}
	if v, ok := o.Conf[ConfAMWaitTime]; ok {
		if _, err := parseSparkDuration(v); err != nil {
			bad("--conf %s=%s: %v", ConfAMWaitTime, v, err)
		}
	}
	if strings.ContainsAny(o.ExecutorImage, " \t\n") {
		bad("--executor-image %q contains white space", o.ExecutorImage)
	}
	if o.DriverTimeout <= 0 {
		bad("--driver-timeout %s must be positive", o.DriverTimeout)
	}
	return errors.Join(errs...)
}

// Capability is the size of each executor container.
func (o Options) Capability() api.Resource { return api.Res(o.ExecutorMemoryMB, o.ExecutorCores) }

// MaxFailures is the number of executor failures that fails the
// application: --max-executor-failures, else the conf's
// spark.yarn.max.executor.failures, else max(2×N, 3) as Spark.
func (o Options) MaxFailures() int {
	if o.MaxExecutorFailures > 0 {
		return o.MaxExecutorFailures
	}
	if n, err := strconv.Atoi(strings.TrimSpace(o.Conf[protocol.ConfMaxExecutorFailures])); err == nil && n > 0 {
		return n
	}
	return max(2*o.NumExecutors, 3)
}

// DriverStartTimeout is how long a cluster-mode AM waits for the driver to
// serve: the conf's spark.yarn.am.waitTime, else 100 s.
func (o Options) DriverStartTimeout() time.Duration {
	if d, err := parseSparkDuration(o.Conf[ConfAMWaitTime]); err == nil {
		return d
	}
	return DefaultDriverStartTimeout
}

// parseSparkDuration reads a Go duration ("100s", "1m30s") or Spark's
// time string whose bare number is milliseconds.
func parseSparkDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Duration(n) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (like 100s)", s)
	}
	return d, nil
}

// ParsePairs turns K=V pairs (the value may hold "=") into a map; flag
// names the flag in errors. A later pair overrides an earlier one.
func ParsePairs(flag string, pairs []string) (map[string]string, error) {
	out := make(map[string]string, len(pairs))
	var errs []error
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if k = strings.TrimSpace(k); k == "" || !ok {
			errs = append(errs, fmt.Errorf("%w: %s %q: want name=value", ErrInvalidOptions, flag, p))
			continue
		}
		out[k] = v
	}
	return out, errors.Join(errs...)
}

func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00\n") {
		return fmt.Errorf("%q must be a plain file name (no '/', not '.' or '..')", name)
	}
	return nil
}

func checkResourceURL(raw string) error {
	if strings.HasPrefix(raw, "/") {
		return nil
	}
	u, err := url.Parse(raw)
	if err == nil {
		switch u.Scheme {
		case "s3", "http", "https":
			if u.Host != "" {
				return nil
			}
		case "file":
			if (u.Host == "" || u.Host == "localhost") && strings.HasPrefix(u.Path, "/") {
				return nil
			}
		}
	}
	return errors.New("want file:///absolute/path, /absolute/path, s3://bucket/key or http(s)://host/path")
}

// ParseStat reads an --executor-resource-stat value "size:timestamp-ms".
func ParseStat(v string) (size, timestamp int64, err error) {
	a, b, ok := strings.Cut(v, ":")
	if ok {
		size, err = strconv.ParseInt(a, 10, 64)
	}
	if ok && err == nil {
		timestamp, err = strconv.ParseInt(b, 10, 64)
	}
	if !ok || err != nil || size < 0 || timestamp < 0 {
		return 0, 0, fmt.Errorf("%q is not size:timestamp-ms", v)
	}
	return size, timestamp, nil
}

func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return err
	}
	if host == "" {
		return errors.New("no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not 1-65535", port)
	}
	return nil
}

func validEnvName(k string) bool {
	if k == "" || k[0] >= '0' && k[0] <= '9' {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
