package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// ErrConfig is wrapped by configuration errors.
var ErrConfig = errors.New("invalid engine configuration")

// Config is how one process of an application runs. Run builds it from the
// environment (ConfigFromEnv); tests and embedders build it themselves and
// call RunConfig.
type Config struct {
	// Role is protocol.RoleDriver, protocol.RoleExecutor, or "" for local
	// mode: a driver with LocalExecutors executors in this process.
	Role  string
	AppID string
	// Args are the user program's arguments (Context.Args).
	Args []string
	// Conf holds the --conf key/values (protocol.Conf* and others).
	Conf map[string]string

	// Driver.
	DriverHost     string // bind and advertise (default 127.0.0.1)
	DriverInfoFile string // where to write protocol.DriverInfo; "" for none
	Executors      int    // executors to wait for (driver role)
	LocalExecutors int    // in-process executors (local mode)
	AckTimeout     time.Duration

	// Executor.
	DriverURL       string // the driver's host:port
	ExecutorID      string
	ExecutorHost    string // bind and advertise (default 127.0.0.1)
	ExecutorCores   int    // also the cores of local executors
	ContainerID     string
	NodeHTTPAddress string
	// WorkDir is where an executor makes its own directory for shuffle
	// files (default: the system's temp dir).
	WorkDir string

	// Logger receives the engine's logs (default: none).
	Logger *zap.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// DefaultConfig is local mode with two executors.
func DefaultConfig() Config {
	return Config{
		DriverHost: "127.0.0.1", ExecutorHost: "127.0.0.1",
		Executors: 2, LocalExecutors: 2, ExecutorCores: 0,
		AckTimeout: protocol.AckTimeout, Conf: map[string]string{},
	}
}

// ConfigFromEnv reads the protocol's environment (see package protocol)
// and YARN's container variables through lookup; args are the program's
// arguments.
func ConfigFromEnv(lookup func(string) (string, bool), args []string) (Config, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	c := DefaultConfig()
	c.Args = args
	c.Role = get(protocol.EnvRole)
	c.AppID = get(protocol.EnvAppID)
	var errs []error
	if s := get(protocol.EnvConf); s != "" {
		if err := json.Unmarshal([]byte(s), &c.Conf); err != nil {
			errs = append(errs, fmt.Errorf("%s: not a JSON object of strings: %w", protocol.EnvConf, err))
		}
	}
	atoi := func(key string, dst *int) {
		if s := get(key); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a number", key, s))
				return
			}
			*dst = n
		}
	}
	if secret := get(protocol.EnvSecret); secret != "" {
		c.Conf[confSecret] = secret // the environment's secret wins over --conf
	}
	c.DriverHost = first(get(protocol.EnvDriverHost), get(api.EnvNMHost), c.DriverHost)
	c.DriverInfoFile = get(protocol.EnvDriverInfoFile)
	atoi(protocol.EnvLocalExecutors, &c.LocalExecutors)
	if s := c.Conf[protocol.ConfExecutorInstances]; s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			c.Executors = n
		}
	}
	atoi(protocol.EnvExecutors, &c.Executors)
	if s := c.Conf[protocol.ConfExecutorCores]; s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			c.ExecutorCores = n
		}
	}
	if c.Role == protocol.RoleExecutor {
		atoi(api.EnvContainerVCores, &c.ExecutorCores)
	}
	atoi(protocol.EnvExecutorCores, &c.ExecutorCores)
	c.DriverURL = strings.TrimPrefix(get(protocol.EnvDriverURL), "http://")
	c.ExecutorID = get(protocol.EnvExecutorID)
	c.ExecutorHost = first(get(protocol.EnvExecutorHost), get(api.EnvNMHost), c.ExecutorHost)
	c.ContainerID = get(api.EnvContainerID)
	if h, p := get(api.EnvNMHost), get(api.EnvNMHTTPPort); h != "" && p != "" {
		c.NodeHTTPAddress = h + ":" + p
	}
	if dirs := get(api.EnvLocalDirs); dirs != "" {
		c.WorkDir = strings.TrimSpace(strings.Split(dirs, ",")[0])
	} else if c.Role == protocol.RoleExecutor {
		c.WorkDir = get(api.EnvPWD)
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return c, c.Validate()
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

var execIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	switch c.Role {
	case "":
		if c.LocalExecutors < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1, not %d", protocol.EnvLocalExecutors, c.LocalExecutors))
		}
	case protocol.RoleDriver:
		if c.Executors < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1, not %d", protocol.EnvExecutors, c.Executors))
		}
		if c.DriverHost == "" {
			errs = append(errs, fmt.Errorf("%s is required", protocol.EnvDriverHost))
		}
	case protocol.RoleExecutor:
		if c.DriverURL == "" {
			errs = append(errs, fmt.Errorf("%s is required", protocol.EnvDriverURL))
		}
		if !execIDPattern.MatchString(c.ExecutorID) {
			errs = append(errs, fmt.Errorf("%s=%q: want 1-64 letters, digits, '.', '_' or '-'", protocol.EnvExecutorID, c.ExecutorID))
		}
		if c.ExecutorHost == "" {
			errs = append(errs, fmt.Errorf("%s is required", protocol.EnvExecutorHost))
		}
	default:
		errs = append(errs, fmt.Errorf("%s=%q: want %q, %q or unset", protocol.EnvRole, c.Role, protocol.RoleDriver, protocol.RoleExecutor))
	}
	if c.ExecutorCores < 0 {
		errs = append(errs, fmt.Errorf("executor cores must not be negative, not %d", c.ExecutorCores))
	}
	if _, err := parseSettings(c.Conf); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return nil
}

// cores is an executor's core count: the configured one, else 1 — or, for
// in-process executors, a share of this machine's CPUs.
func (c Config) cores(local bool) int {
	if c.ExecutorCores > 0 {
		return c.ExecutorCores
	}
	if local {
		return max(1, runtime.NumCPU()/max(1, c.LocalExecutors))
	}
	return 1
}

// Engine settings read from the conf, with Spark's defaults.
const (
	confHeartbeatInterval = "spark.executor.heartbeatInterval" // 10s
	confLogLevel          = "spark.log.level"                  // INFO
	// confSecret, when set (from protocol.EnvSecret, which gosubmit always
	// sets, or --conf), is required as a bearer token by every endpoint of
	// the driver and the executors.
	confSecret = "spark.authenticate.secret"
)

type settings struct {
	minRatio       float64
	maxWait        time.Duration
	maxFailures    int
	networkTimeout time.Duration
	heartbeat      time.Duration
	parallelism    int // 0: the executors' total cores
	secret         string
}

func parseSettings(conf map[string]string) (settings, error) {
	s := settings{minRatio: 0.8, maxWait: 30 * time.Second, maxFailures: 4,
		networkTimeout: 120 * time.Second, heartbeat: 10 * time.Second, secret: conf[confSecret]}
	var errs []error
	dur := func(key string, unit time.Duration, dst *time.Duration) {
		if v, ok := conf[key]; ok {
			d, err := parseSparkDuration(v, unit)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s=%q: want a positive duration such as 30s", key, v))
				return
			}
			*dst = d
		}
	}
	dur(protocol.ConfMaxRegisteredWait, time.Millisecond, &s.maxWait)
	dur(protocol.ConfExecutorHeartbeatWait, time.Second, &s.networkTimeout)
	dur(confHeartbeatInterval, time.Millisecond, &s.heartbeat)
	if v, ok := conf[protocol.ConfMinRegisteredRatio]; ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 || math.IsNaN(f) {
			errs = append(errs, fmt.Errorf("%s=%q: want a number between 0 and 1", protocol.ConfMinRegisteredRatio, v))
		} else {
			s.minRatio = f
		}
	}
	posInt := func(key string, dst *int) {
		if v, ok := conf[key]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("%s=%q: want a positive whole number", key, v))
				return
			}
			*dst = n
		}
	}
	posInt(protocol.ConfTaskMaxFailures, &s.maxFailures)
	posInt(protocol.ConfDefaultParallelism, &s.parallelism)
	if len(errs) > 0 {
		return s, errors.Join(errs...)
	}
	return s, nil
}

var durationPattern = regexp.MustCompile(`^([0-9]+)\s*(us|ms|s|m|min|h|d)?$`)

// parseSparkDuration reads Spark's time strings ("30s", "100ms", "2min",
// "120" in unit) and Go's ("1m30s").
func parseSparkDuration(v string, unit time.Duration) (time.Duration, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if m := durationPattern.FindStringSubmatch(v); m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return 0, err
		}
		u := map[string]time.Duration{"": unit, "us": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
			"m": time.Minute, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
		if n > int64(math.MaxInt64/u) {
			return 0, errors.New("too long")
		}
		return time.Duration(n) * u, nil
	}
	return time.ParseDuration(v)
}
