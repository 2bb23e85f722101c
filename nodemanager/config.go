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
)

// Runtime names Config.ContainerRuntime accepts.
const (
	RuntimeProcess = "process"
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
	StagingDir        string        `yaml:"staging-dir" usage:"the cluster's staging directory (GOYARN_STAGING_DIR in containers)"`
	LocalizeRoots     []string      `yaml:"localize-roots" usage:"directories local resources may come from (default: the staging dir)"`
	ContainerRuntime  string        `yaml:"container-runtime" usage:"container runtime: process or fake"`
	StateDir          string        `yaml:"state-dir" usage:"NodeManager recovery state (default: <first local dir>/nmstate)"`
	ClusterSecretFile string        `yaml:"cluster-secret-file" usage:"cluster secret shared by RMs and NMs (created if missing)"`
	LogRetain         time.Duration `yaml:"log-retain" usage:"how long a finished application's logs are kept"`
	StopGrace         time.Duration `yaml:"stop-grace" usage:"time a stopping container gets between SIGTERM and SIGKILL"`
	Supervised        bool          `yaml:"supervised" usage:"on a graceful stop leave containers running and stay registered (work-preserving restart)"`
	MinFreeDiskMB     int64         `yaml:"min-free-disk-mb" usage:"free space each local and log dir needs for the node to be healthy"`
	ReadyFile         string        `yaml:"ready-file" usage:"once listening and registered, write {nodeId,rpcAddress,webAddress,pid} JSON here"`
	LogLevel          string        `yaml:"log-level" usage:"debug, info, warn or error"`
	LogFormat         string        `yaml:"log-format" usage:"console or json"`
}

// DefaultConfig returns the defaults: one local NM next to a local RM.
func DefaultConfig() Config {
	return Config{
		RMAddresses:       []string{"127.0.0.1:8030"},
		Hostname:          "127.0.0.1",
		RPCAddress:        "127.0.0.1:8040",
		WebAddress:        "127.0.0.1:8042",
		MemoryMB:          8192,
		VCores:            8,
		LocalDirs:         []string{"/tmp/goyarn/nm-local-dir"},
		LogDirs:           []string{"/tmp/goyarn/nm-logs"},
		StagingDir:        "/tmp/goyarn/staging",
		ContainerRuntime:  RuntimeProcess,
		ClusterSecretFile: "~/.goyarn/cluster-secret",
		LogRetain:         3 * time.Hour,
		StopGrace:         2 * time.Second,
		MinFreeDiskMB:     64,
		LogLevel:          "info",
		LogFormat:         "console",
	}
}

// Resolved returns c with the derived defaults filled in: the state dir,
// the localize roots, and "~/" expanded in the secret file path.
func (c Config) Resolved() Config {
	if c.StateDir == "" && len(c.LocalDirs) > 0 {
		c.StateDir = filepath.Join(c.LocalDirs[0], "nmstate")
	}
	if len(c.LocalizeRoots) == 0 && c.StagingDir != "" {
		c.LocalizeRoots = []string{c.StagingDir}
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
	checkDirs("staging-dir", []string{c.StagingDir}, true)
	checkDirs("localize-roots", c.LocalizeRoots, true)
	checkDirs("state-dir", []string{c.StateDir}, true)
	if c.ContainerRuntime != RuntimeProcess && c.ContainerRuntime != RuntimeFake {
		bad("container-runtime: %q is not %s or %s", c.ContainerRuntime, RuntimeProcess, RuntimeFake)
	}
	if c.ClusterSecretFile == "" {
		bad("cluster-secret-file: required")
	}
	if c.LogRetain < 0 {
		bad("log-retain: %s must not be negative", c.LogRetain)
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
