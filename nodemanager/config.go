package nodemanager

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api/objstore"
)

// Runtime names Config.ContainerRuntime accepts.
const (
	RuntimeProcess = "process"
	RuntimeDocker  = "docker"
	RuntimeAuto    = "auto" // docker when its daemon answers, else process
	RuntimeFake    = "fake"
)

// Config is a NodeManager's configuration. Flags, environment variables
// (GOYARN_NM_…) and the YAML file use the yaml keys.
type Config struct {
	RMAddresses       []string      `yaml:"rm-addresses" usage:"ResourceManager internal RPC addresses, host:port (every RM of an HA cluster)"`
	Hostname          string        `yaml:"hostname" usage:"host name the node is known by; the NodeID is hostname:RPC port"`
	RPCAddress        string        `yaml:"rpc-address" usage:"container RPC listen address (port 0: pick a free one)"`
	WebAddress        string        `yaml:"web-address" usage:"NM REST listen address (port 0: pick a free one)"`
	MemoryMB          int64         `yaml:"memory-mb" usage:"memory (MB) offered to containers"`
	VCores            int64         `yaml:"vcores" usage:"virtual cores offered to containers"`
	LocalDirs         []string      `yaml:"local-dirs" usage:"directories for container work dirs"`
	LogDirs           []string      `yaml:"log-dirs" usage:"directories for container logs"`
	StagingDir        string        `yaml:"staging-dir" usage:"the cluster's staging URL (file:///dir, s3://bucket/prefix) or directory (GOYARN_STAGING_DIR in containers)"`
	RemoteAppLogDir   string        `yaml:"remote-app-log-dir" usage:"where finished applications' logs are aggregated (file:///dir, s3://bucket/prefix); empty: not aggregated"`
	LocalizeRoots     []string      `yaml:"localize-roots" usage:"directories (or s3:// prefixes) local resources may come from (default: the staging dir or URL); http(s):// resources are allowed anywhere"`
	ContainerRuntime  string        `yaml:"container-runtime" usage:"container runtime: docker, process, auto (docker when its daemon answers and the default image is built, else process) or fake"`
	ClusterID         string        `yaml:"cluster-id" usage:"cluster id, carried by Docker containers as label goyarn.cluster"`
	StateDir          string        `yaml:"state-dir" usage:"NodeManager recovery state (default: <first local dir>/nmstate)"`
	ClusterSecretFile string        `yaml:"cluster-secret-file" usage:"cluster secret shared by RMs and NMs (created if missing)"`
	LogRetain         time.Duration `yaml:"log-retain" usage:"how long a finished application's logs are kept (with remote-app-log-dir: when their aggregation failed; also how long aggregation statuses are re-reported to RMs)"`
	// Log aggregation (nodemanager/logaggregation), on when RemoteAppLogDir is set.
	AggregatedLogRetain    time.Duration `yaml:"aggregated-log-retain" usage:"how long local logs are kept once they were aggregated to remote-app-log-dir"`
	LogAggregationMaxBytes int64         `yaml:"log-aggregation-max-bytes" usage:"bytes of each container's logs aggregated at most (the rest is left out and noted)"`
	StopGrace              time.Duration `yaml:"stop-grace" usage:"time a stopping container gets between SIGTERM and SIGKILL"`
	Supervised             bool          `yaml:"supervised" usage:"on a graceful stop leave containers running and stay registered (work-preserving restart)"`
	MinFreeDiskMB          int64         `yaml:"min-free-disk-mb" usage:"free space each local and log dir needs for the node to be healthy"`
	ReadyFile              string        `yaml:"ready-file" usage:"once listening and registered, write {nodeId,rpcAddress,webAddress,pid} JSON here"`
	LogLevel               string        `yaml:"log-level" usage:"debug, info, warn or error"`
	LogFormat              string        `yaml:"log-format" usage:"console or json"`
	// Objects are the object store settings of s3:// URLs (api/objstore).
	Objects objstore.Settings `yaml:",inline"`
	// Docker runtime (containers/docker); see its package doc.
	DockerHost            string   `yaml:"docker-host" usage:"Docker daemon address (empty: DOCKER_HOST or the local socket)"`
	DockerDefaultImage    string   `yaml:"docker-default-image" usage:"image of Docker containers whose launch environment names none"`
	DockerAllowedImages   []string `yaml:"docker-allowed-images" usage:"image name prefixes Docker containers may use; any other image is refused"`
	DockerNetwork         string   `yaml:"docker-network" usage:"network of Docker containers unless they ask for another allowed one"`
	DockerAllowedNetworks []string `yaml:"docker-allowed-networks" usage:"networks Docker containers may ask for"`
	DockerAllowedMounts   []string `yaml:"docker-allowed-mounts" usage:"host dirs Docker containers may ask to mount (YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS): 'path' or 'path:ro' read-only, 'path:rw' read-write; empty: none"`
	DockerPidsLimit       int64    `yaml:"docker-pids-limit" usage:"processes (threads) each Docker container may run"`
	DockerCPUQuota        bool     `yaml:"docker-cpu-quota" usage:"cap each Docker container's CPU at its vcores (CFS quota) besides its CPU shares"`
	DockerInit            bool     `yaml:"docker-init" usage:"run the daemon's init as PID 1 of each Docker container (signals, orphan reaping)"`
}

// DefaultConfig returns the defaults: one local NM next to a local RM.
func DefaultConfig() Config {
	return Config{
		RMAddresses:            []string{"127.0.0.1:8030"},
		Hostname:               "127.0.0.1",
		RPCAddress:             "127.0.0.1:8040",
		WebAddress:             "127.0.0.1:8042",
		MemoryMB:               8192,
		VCores:                 8,
		LocalDirs:              []string{"/tmp/goyarn/nm-local-dir"},
		LogDirs:                []string{"/tmp/goyarn/nm-logs"},
		StagingDir:             "/tmp/goyarn/staging",
		ContainerRuntime:       RuntimeAuto,
		ClusterID:              "goyarn",
		DockerDefaultImage:     "goyarn/executor:latest",
		DockerAllowedImages:    []string{"goyarn/"},
		DockerNetwork:          "host",
		DockerAllowedNetworks:  []string{"host", "none", "bridge"},
		DockerPidsLimit:        4096,
		DockerInit:             true,
		ClusterSecretFile:      "~/.goyarn/cluster-secret",
		LogRetain:              3 * time.Hour,
		AggregatedLogRetain:    10 * time.Minute,
		LogAggregationMaxBytes: 1 << 30,
		StopGrace:              2 * time.Second,
		MinFreeDiskMB:          64,
		LogLevel:               "info",
		LogFormat:              "console",
	}
}

// Resolved returns c with the derived defaults filled in: the state dir,
// the localize roots, and "~/" expanded in the secret file path.
func (c Config) Resolved() Config {
	if c.StateDir == "" && len(c.LocalDirs) > 0 {
		c.StateDir = filepath.Join(c.LocalDirs[0], "nmstate")
	}
	if len(c.LocalizeRoots) == 0 && c.StagingDir != "" {
		c.LocalizeRoots = []string{strings.TrimPrefix(c.StagingDir, "file://")}
	}
	if rest, ok := strings.CutPrefix(c.ClusterSecretFile, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			c.ClusterSecretFile = filepath.Join(home, rest)
		}
	}
	return c
}

// Validate returns every problem with c (as resolved) at once.
func (c Config) Validate() error {
	c = c.Resolved()
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(c.RMAddresses) == 0 {
		bad("rm-addresses: at least one ResourceManager address is required")
	}
	for _, a := range c.RMAddresses {
		if err := checkAddr(a, false); err != nil {
			bad("rm-addresses: %v", err)
		}
	}
	if strings.TrimSpace(c.Hostname) == "" || strings.ContainsAny(c.Hostname, " /:") {
		bad("hostname: %q is not a host name", c.Hostname)
	}
	if err := checkAddr(c.RPCAddress, true); err != nil {
		bad("rpc-address: %v", err)
	}
	if err := checkAddr(c.WebAddress, true); err != nil {
		bad("web-address: %v", err)
	}
	if c.MemoryMB <= 0 {
		bad("memory-mb: %d must be positive", c.MemoryMB)
	}
	if c.VCores <= 0 {
		bad("vcores: %d must be positive", c.VCores)
	}
	checkDirs := func(key string, dirs []string, required bool) {
		if required && len(dirs) == 0 {
			bad("%s: at least one directory is required", key)
		}
		for _, d := range dirs {
			if !filepath.IsAbs(d) {
				bad("%s: %q is not an absolute path", key, d)
			}
		}
	}
	checkDirs("local-dirs", c.LocalDirs, true)
	checkDirs("log-dirs", c.LogDirs, true)
	checkURLs := func(key string, urls []string) {
		for _, u := range urls {
			if strings.HasPrefix(u, "s3://") {
				if len(strings.TrimPrefix(u, "s3://")) < 3 {
					bad("%s: %q names no bucket", key, u)
				}
				continue
			}
			checkDirs(key, []string{strings.TrimPrefix(u, "file://")}, true)
		}
	}
	checkURLs("staging-dir", []string{c.StagingDir})
	checkURLs("localize-roots", c.LocalizeRoots)
	if c.RemoteAppLogDir != "" {
		checkURLs("remote-app-log-dir", []string{c.RemoteAppLogDir})
	}
	checkDirs("state-dir", []string{c.StateDir}, true)
	switch c.ContainerRuntime {
	case RuntimeProcess, RuntimeDocker, RuntimeAuto, RuntimeFake:
	default:
		bad("container-runtime: %q is not %s, %s, %s or %s", c.ContainerRuntime, RuntimeDocker, RuntimeProcess, RuntimeAuto, RuntimeFake)
	}
	errs = append(errs, c.validateDocker()...)
	if c.ClusterSecretFile == "" {
		bad("cluster-secret-file: required")
	}
	if c.LogRetain < 0 {
		bad("log-retain: %s must not be negative", c.LogRetain)
	}
	if c.AggregatedLogRetain < 0 {
		bad("aggregated-log-retain: %s must not be negative", c.AggregatedLogRetain)
	}
	if c.LogAggregationMaxBytes <= 0 {
		bad("log-aggregation-max-bytes: %d must be positive", c.LogAggregationMaxBytes)
	}
	if c.StopGrace < 0 {
		bad("stop-grace: %s must not be negative", c.StopGrace)
	}
	if c.MinFreeDiskMB < 0 {
		bad("min-free-disk-mb: %d must not be negative", c.MinFreeDiskMB)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log-level: %q is not debug, info, warn or error", c.LogLevel)
	}
	if c.LogFormat != "console" && c.LogFormat != "json" {
		bad("log-format: %q is not console or json", c.LogFormat)
	}
	return errors.Join(errs...)
}

// checkAddr checks host:port; a listen address may have port 0 and an empty
// host (all interfaces).
func checkAddr(addr string, listen bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	p, err := strconv.Atoi(port)
	low := 1
	if listen {
		low = 0
	}
	if err != nil || p < low || p > 65535 {
		return fmt.Errorf("%q: port must be %d-65535", addr, low)
	}
	if host == "" && !listen {
		return fmt.Errorf("%q has no host", addr)
	}
	return nil
}

// validateDocker checks the docker-* settings, whatever the runtime (auto
// may pick docker).
func (c Config) validateDocker() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.ClusterID == "" || strings.ContainsAny(c.ClusterID, " \t\n=,") {
		bad("cluster-id: %q must be non-empty, without white space, '=' or ','", c.ClusterID)
	}
	if len(c.DockerAllowedImages) == 0 {
		bad("docker-allowed-images: at least one image prefix is required")
	}
	allowed := false
	for _, p := range c.DockerAllowedImages {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, " \t\n") {
			bad("docker-allowed-images: %q is empty or holds white space", p)
		}
		if p != "" && strings.HasPrefix(c.DockerDefaultImage, p) {
			allowed = true
		}
	}
	if c.DockerDefaultImage == "" || strings.ContainsAny(c.DockerDefaultImage, " \t\n") {
		bad("docker-default-image: %q is not an image name", c.DockerDefaultImage)
	} else if !allowed {
		bad("docker-default-image: %q is not under an allowed prefix (docker-allowed-images %v)", c.DockerDefaultImage, c.DockerAllowedImages)
	}
	netAllowed := false
	for _, n := range c.DockerAllowedNetworks {
		if strings.TrimSpace(n) == "" {
			bad("docker-allowed-networks: empty network name")
		}
		netAllowed = netAllowed || n == c.DockerNetwork
	}
	if !netAllowed {
		bad("docker-network: %q is not among docker-allowed-networks %v", c.DockerNetwork, c.DockerAllowedNetworks)
	}
	if c.DockerPidsLimit <= 0 {
		bad("docker-pids-limit: %d must be positive", c.DockerPidsLimit)
	}
	return errs
}
