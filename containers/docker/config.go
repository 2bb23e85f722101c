package docker

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Config configures the docker runtime.
type Config struct {
	// Node identifies this NodeManager's containers (label goyarn.node): it
	// must be the same after a restart for Recover to find them, and differ
	// between NodeManagers sharing a daemon.
	Node string
	// ClusterID is carried as label goyarn.cluster; "" means none.
	ClusterID string
	// DefaultImage runs containers whose spec names no image.
	DefaultImage string
	// AllowedImages are the image name prefixes a container may use
	// ("goyarn/" allows goyarn/executor:latest); a container asking for any
	// other image is refused.
	AllowedImages []string
	// Network is the network containers join unless their launch
	// environment asks for another (YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_NETWORK).
	Network string
	// AllowedNetworks are the networks a container may ask for.
	AllowedNetworks []string
	// AllowedMounts are the host directories a container may ask to have
	// mounted (YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS, as YARN's
	// docker.allowed.ro-mounts/rw-mounts): "path" or "path:ro" allows
	// read-only mounts of path and below, "path:rw" read-write too. Empty
	// (the default): a container gets nothing but its own dirs.
	AllowedMounts []string
	// User is "uid:gid" containers run as; "" means the NodeManager's own.
	User string
	// PidsLimit bounds the processes (threads) of each container.
	PidsLimit int64
	// CPUQuota adds a hard CPU quota of the container's vcores (capped at
	// the host's CPUs) to the CPU shares (1024 per vcore) it always gets.
	CPUQuota bool
	// Init runs the daemon's init (docker-init, tini) as each container's
	// PID 1: it passes signals on to /bin/sh and reaps orphaned processes,
	// whatever shell the image has.
	Init bool
	// ReadyTimeout bounds how long Start waits for the container's shell to
	// run the command.
	ReadyTimeout time.Duration
	// RetryInterval is the pause before a watcher asks the daemon again after
	// an error (the daemon restarting).
	RetryInterval time.Duration
	// Logger is named "docker" by the runtime; nil means no logging.
	Logger *zap.Logger
	// Clock stamps times the daemon does not give; nil means time.Now.
	Clock func() time.Time
}

// DefaultConfig returns the defaults: the executor image, images under
// goyarn/ only, host network, the NodeManager's uid:gid, 4096 pids, an init
// process. The caller sets Node.
func DefaultConfig() Config {
	return Config{
		DefaultImage:    "goyarn/executor:latest",
		AllowedImages:   []string{"goyarn/"},
		Network:         "host",
		AllowedNetworks: []string{"host", "none", "bridge"},
		User:            fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid()),
		PidsLimit:       4096,
		Init:            true,
		ReadyTimeout:    10 * time.Second,
		RetryInterval:   time.Second,
	}
}

var (
	userPattern = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
	// labelValue: what a docker label filter matches reliably.
	labelValue = regexp.MustCompile(`^[A-Za-z0-9._:/@+-]+$`)
)

// Validate returns every problem with the config at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("docker runtime: "+format, args...)) }
	if !labelValue.MatchString(c.Node) {
		bad("Node %q must be a non-empty label value (letters, digits, . _ : / @ + -)", c.Node)
	}
	if c.ClusterID != "" && !labelValue.MatchString(c.ClusterID) {
		bad("ClusterID %q must be a label value (letters, digits, . _ : / @ + -)", c.ClusterID)
	}
	if len(c.AllowedImages) == 0 {
		bad("AllowedImages is empty: no image could run")
	}
	for _, p := range c.AllowedImages {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, " \t\n") {
			bad("allowed image prefix %q is empty or holds white space", p)
		}
	}
	if c.DefaultImage == "" {
		bad("DefaultImage is required")
	} else if !imageAllowed(c.AllowedImages, c.DefaultImage) {
		bad("DefaultImage %q is not under an allowed image prefix %v", c.DefaultImage, c.AllowedImages)
	}
	if c.Network == "" {
		bad("Network is required")
	} else if !contains(c.AllowedNetworks, c.Network) {
		bad("Network %q is not among AllowedNetworks %v", c.Network, c.AllowedNetworks)
	}
	if c.User != "" && !userPattern.MatchString(c.User) {
		bad("User %q is not uid or uid:gid", c.User)
	}
	if c.PidsLimit <= 0 {
		bad("PidsLimit %d must be positive", c.PidsLimit)
	}
	if c.ReadyTimeout <= 0 {
		bad("ReadyTimeout must be positive")
	}
	if c.RetryInterval <= 0 {
		bad("RetryInterval must be positive")
	}
	return errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// imageAllowed reports whether the image reference, as written, starts
// with an allowed prefix ("goyarn/" does not allow "evil.io/goyarn/x").
func imageAllowed(prefixes []string, image string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(image, p) {
			return true
		}
	}
	return false
}
