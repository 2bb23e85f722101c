package gosubmit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/client"
)

// Deploy modes.
const (
	modeClient  = "client"
	modeCluster = "cluster"
)

// Defaults, as spark-submit has them on YARN.
const (
	defaultQueue     = "default"
	defaultMemory    = "1g"
	defaultAMMemory  = "512m"
	defaultExecutors = 2
	defaultCores     = 1
	defaultHost      = "127.0.0.1"
	appmasterName    = "appmaster"
)

// stagedFile is a file staged for the application under its resource name.
type stagedFile struct{ key, path string }

// spec is a validated gosubmit invocation.
type spec struct {
	mode   string
	master string
	legacy bool // --master yarn-client or yarn-cluster
	rms    []client.RM
	name   string
	queue  string

	binary stagedFile // the user's program (absolute path)
	args   []string
	files  []stagedFile

	driverMB, driverCores     int64
	executorMB, executorCores int64
	executors                 int
	amMB, amCores             int64 // client mode's AM (cluster mode: the driver's figures)
	maxAttempts               int32

	conf        map[string]string // effective configuration, passed to the driver
	executorEnv map[string]string // spark.executorEnv.*
	amEnv       map[string]string // spark.yarn.appMasterEnv.*
	secret      string            // protocol.EnvSecret: the application's shared secret
	image       string
	driverHost  string

	verbose, wait, follow bool
	reportInterval        time.Duration
	logEvery              int
	preserveStaging       bool
	stagingDir, appmaster string

	user, token     string
	failoverWait    time.Duration
	failoverWaitSet bool
}

func (sp *spec) addrs() []string {
	out := make([]string, len(sp.rms))
	for i, rm := range sp.rms {
		out[i] = rm.Addr
	}
	return out
}

// problems collects every bad input of an invocation.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.New(strings.Join(p, "; "))
}

// parseSpec validates the command line; it contacts nothing.
func parseSpec(c *cli.Context, o *Options) (*spec, error) {
	var bad problems
	args := c.Args().Slice()
	if len(args) == 0 {
		return nil, errors.New("missing the application binary: gosubmit [options] <application binary> [application arguments]")
	}
	var confValues []string
	if r, ok := c.Generic("conf").(*repeated); ok {
		confValues = r.values
	}
	conf, err := parseConfFlags(confValues)
	if err != nil {
		bad.add("%v", err)
	}
	sp := &spec{args: args[1:], conf: conf, verbose: c.Bool("verbose"), follow: c.Bool("follow"),
		image: c.String("image"), stagingDir: client.Staging(c.String("staging-dir"), os.Getenv), user: c.String("user"),
		failoverWait: c.Duration("failover-wait"), failoverWaitSet: c.IsSet("failover-wait"), secret: o.NewSecret()}
	validateConf(conf, &bad)

	st := settings{c: c, conf: conf}
	legacy := sp.parseMaster(c.String("master"), o, &bad)
	sp.parseMode(st, legacy, &bad)
	sp.parseBinary(args[0], &bad)
	sp.name = st.str("name", protocol.ConfAppName, filepath.Base(args[0]))
	sp.queue = st.str("queue", confQueue, defaultQueue)
	if strings.TrimSpace(sp.name) == "" {
		bad.add("--name must not be empty")
	}
	if strings.TrimSpace(sp.queue) == "" {
		bad.add("--queue must not be empty")
	}
	sp.parseResources(st, &bad)

	if c.IsSet("max-attempts") {
		conf[protocol.ConfMaxAppAttempts] = strconv.Itoa(c.Int("max-attempts"))
		if c.Int("max-attempts") <= 0 {
			bad.add("--max-attempts must be a positive number, got %d", c.Int("max-attempts"))
		}
	}
	if v, ok := conf[protocol.ConfMaxAppAttempts]; ok {
		n, _ := strconv.Atoi(v)
		sp.maxAttempts = int32(n)
	}

	sp.wait = confBool(conf, protocol.ConfWaitAppCompletion, true) && !c.Bool("no-wait")
	sp.preserveStaging = confBool(conf, confPreserveStaging, false)
	sp.reportInterval = confTime(conf, confReportInterval, time.Millisecond, time.Second)
	sp.logEvery = confInt(conf, confLoggingFrequency, 30)
	host := defaultHost
	if len(sp.rms) > 0 {
		host = client.OutboundHost(sp.rms[0].Addr, defaultHost)
	}
	sp.driverHost = confString(conf, protocol.ConfDriverHost, host)
	sp.executorEnv = prefixed(conf, protocol.ConfExecutorEnvPrefix)
	sp.amEnv = prefixed(conf, protocol.ConfAMEnvPrefix)
	if sp.mode == modeClient {
		if c.Bool("no-wait") {
			bad.add("--no-wait applies to cluster mode only (in client mode the driver runs here)")
		}
		if sp.follow {
			bad.add("--follow applies to cluster mode only (in client mode the driver's output is already here)")
		}
	}
	if !sp.wait && sp.follow {
		bad.add("--follow and --no-wait exclude each other")
	}

	sp.parseFiles(c.StringSlice("files"), &bad)
	if strings.TrimSpace(sp.stagingDir) == "" {
		bad.add("--staging-dir must not be empty")
	}
	var err2 error
	if sp.appmaster, err2 = findAppmaster(c.String("appmaster-binary"), o); err2 != nil {
		bad.add("%v", err2)
	}
	if sp.token, err2 = authToken(c); err2 != nil {
		bad.add("%v", err2)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	sp.resolveConf()
	return sp, nil
}

// settings reads a value from its flag, else from --conf, else a default:
// spark-submit's precedence. A flag's value is written back to conf. Bad
// --conf values were reported by validateConf; they read as the default.
type settings struct {
	c    *cli.Context
	conf map[string]string
}

func (s settings) str(flag, key, def string) string {
	if flag != "" && s.c.IsSet(flag) {
		s.conf[key] = s.c.String(flag)
		return s.c.String(flag)
	}
	if v, ok := s.conf[key]; ok {
		return v
	}
	return def
}

// num returns the value and whether it was given (by the flag or --conf).
func (s settings) num(flag, key string, def int) (int, bool) {
	if flag != "" && s.c.IsSet(flag) {
		return s.c.Int(flag), true
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s.conf[key])); err == nil {
		return n, true
	}
	return def, false
}

// parseMode settles the deploy mode: --deploy-mode, spark.submit.deployMode,
// a legacy master's, else client.
func (sp *spec) parseMode(st settings, legacy string, bad *problems) {
	sp.mode = strings.ToLower(st.str("deploy-mode", confDeployMode, ""))
	switch {
	case sp.mode == "" && legacy != "":
		sp.mode = legacy
	case sp.mode == "":
		sp.mode = modeClient
	case sp.mode != modeClient && sp.mode != modeCluster:
		bad.add("--deploy-mode must be client or cluster, got %q", sp.mode)
	case legacy != "" && legacy != sp.mode:
		bad.add("%s deploy mode is not compatible with master \"yarn-%s\"", capitalize(sp.mode), legacy)
	}
}

// parseResources settles memory, cores and the executor count. The
// executor count is --num-executors, else --total-executor-cores (or
// spark.cores.max) / executor cores, else spark.executor.instances, else 2.
func (sp *spec) parseResources(st settings, bad *problems) {
	mem := func(flag, key, def string) int64 {
		v := st.str(flag, key, def)
		mb, err := client.ParseMemoryMB(v)
		if err != nil && flag != "" && st.c.IsSet(flag) { // bad --conf values: see validateConf
			bad.add("--%s: %v", flag, err)
		}
		return mb
	}
	sp.driverMB = mem("driver-memory", protocol.ConfDriverMemory, defaultMemory)
	sp.executorMB = mem("executor-memory", protocol.ConfExecutorMemory, defaultMemory)
	sp.amMB = mem("", protocol.ConfAMMemory, defaultAMMemory)
	cores := func(flag, key string) int64 {
		n, _ := st.num(flag, key, defaultCores)
		if n <= 0 && st.c.IsSet(flag) {
			bad.add("--%s must be a positive number, got %d", flag, n)
		}
		return int64(n)
	}
	sp.driverCores = cores("driver-cores", protocol.ConfDriverCores)
	sp.executorCores = cores("executor-cores", protocol.ConfExecutorCores)
	sp.amCores = cores("", confAMCores)

	sp.executors, _ = st.num("num-executors", protocol.ConfExecutorInstances, defaultExecutors)
	total, totalSet := st.num("total-executor-cores", confCoresMax, 0)
	switch {
	case st.c.IsSet("num-executors"):
		if sp.executors <= 0 {
			bad.add("Number of executors must be a positive number, got %d", sp.executors)
		}
	case !totalSet:
	case total <= 0:
		if st.c.IsSet("total-executor-cores") { // else spark.cores.max, see validateConf
			bad.add("--total-executor-cores must be a positive number, got %d", total)
		}
	case sp.executorCores > 0:
		if sp.executors = total / int(sp.executorCores); sp.executors == 0 {
			bad.add("--total-executor-cores %d is less than --executor-cores %d", total, sp.executorCores)
		}
	}
}

// parseMaster resolves --master and returns the deploy mode a legacy
// yarn-client/yarn-cluster master implies.
func (sp *spec) parseMaster(m string, o *Options, bad *problems) (legacy string) {
	sp.master = m
	lower := strings.ToLower(strings.TrimSpace(m))
	switch {
	case lower == "yarn-client" || lower == "yarn-cluster":
		legacy, m, sp.legacy = strings.TrimPrefix(lower, "yarn-"), "yarn", true
	case lower == "local" || strings.HasPrefix(lower, "local["):
		bad.add("--master %s is not supported: run the binary directly to run it locally", m)
		return ""
	case strings.Contains(lower, "://") && !strings.HasPrefix(lower, client.MasterScheme) && !strings.HasPrefix(lower, "http://"):
		bad.add("--master must be yarn or goyarn://host:port[,host:port…], got %q", m)
		return ""
	}
	rms, err := client.ResolveRMs(m, o.Getenv)
	if err != nil {
		bad.add("--master: %v", err)
	}
	sp.rms = rms
	return legacy
}

// parseBinary checks the application binary: an executable regular file.
func (sp *spec) parseBinary(path string, bad *problems) {
	abs, err := filepath.Abs(path)
	if err != nil {
		bad.add("application binary %s: %v", path, err)
		return
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		bad.add("application binary %s does not exist", path)
	case err != nil:
		bad.add("application binary %s: %v", path, err)
	case !fi.Mode().IsRegular():
		bad.add("application binary %s is not a regular file", path)
	case fi.Mode().Perm()&0o111 == 0:
		bad.add("application binary %s is not executable", path)
	case filepath.Base(abs) == appmasterName:
		bad.add("application binary %s: the name %s is taken by the ApplicationMaster; rename the binary", path, appmasterName)
	}
	sp.binary = stagedFile{key: filepath.Base(abs), path: abs}
}

// parseFiles checks --files: comma-separated local files, each path[#name].
func (sp *spec) parseFiles(values []string, bad *problems) {
	taken := map[string]string{appmasterName: "the ApplicationMaster", sp.binary.key: "the application binary"}
	for _, v := range values {
		for _, entry := range strings.Split(v, ",") {
			if entry = strings.TrimSpace(entry); entry == "" {
				continue
			}
			path, key, aliased := strings.Cut(entry, "#")
			if rest, ok := strings.CutPrefix(path, "file://"); ok {
				path = rest
			} else if strings.Contains(path, "://") {
				bad.add("--files %s: only local files can be staged", entry)
				continue
			}
			if !aliased {
				key = filepath.Base(path)
			}
			if key == "" || key == "." || key == ".." || strings.ContainsAny(key, "/\\\x00") {
				bad.add("--files %s: name %q must be a plain file name", entry, key)
				continue
			}
			abs, err := filepath.Abs(path)
			if err != nil {
				bad.add("--files %s: %v", entry, err)
				continue
			}
			fi, err := os.Stat(abs)
			switch {
			case errors.Is(err, os.ErrNotExist):
				bad.add("--files %s: %s does not exist", entry, path)
				continue
			case err != nil:
				bad.add("--files %s: %v", entry, err)
				continue
			case !fi.Mode().IsRegular():
				bad.add("--files %s: %s is not a regular file", entry, path)
				continue
			}
			if who, ok := taken[key]; ok {
				bad.add("--files %s: the name %s is already taken by %s", entry, key, who)
				continue
			}
			taken[key] = entry
			sp.files = append(sp.files, stagedFile{key: key, path: abs})
		}
	}
}

// findAppmaster returns the appmaster to stage: the flag's, else appmaster
// next to the running gosubmit, else appmaster on PATH.
func findAppmaster(flag string, o *Options) (string, error) {
	isFile := func(p string) bool { fi, err := os.Stat(p); return err == nil && fi.Mode().IsRegular() }
	if flag != "" {
		if !isFile(flag) {
			return "", fmt.Errorf("--appmaster-binary %s is not a file", flag)
		}
		return filepath.Abs(flag)
	}
	if exe, err := o.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(exe), appmasterName); isFile(p) {
			return p, nil
		}
	}
	if p, err := o.LookPath(appmasterName); err == nil {
		return filepath.Abs(p)
	}
	return "", errors.New("cannot find the appmaster binary next to gosubmit or on PATH; name it with --appmaster-binary")
}

// authToken reads --auth-token-file, else --auth-token ($GOYARN_AUTH_TOKEN).
func authToken(c *cli.Context) (string, error) {
	if path := c.String("auth-token-file"); path != "" {
		return client.ReadAuthToken(path)
	}
	if t := strings.TrimSpace(c.String("auth-token")); t != "" {
		return t, nil
	}
	return client.LayoutAuthToken(os.Getenv), nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
