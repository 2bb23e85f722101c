package resourcemanager

import (
	"errors"
	"fmt"
	"net"
	"os/user"
	"time"

	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

// Config is the RM's configuration. Every field with a yaml key is also a
// flag and an environment variable (GOYARN_RM_<KEY>), see cmd/resourcemanager.
type Config struct {
	ClusterID         string        `yaml:"cluster-id" usage:"cluster id: RMs with the same id form one cluster"`
	WebAddress        string        `yaml:"web-address" usage:"host:port of the public REST API and web UI (port 0: pick one)"`
	RPCAddress        string        `yaml:"rpc-address" usage:"host:port of the internal RPC for NodeManagers and ApplicationMasters (port 0: pick one)"`
	Hostname          string        `yaml:"hostname" usage:"host name advertised to NMs, AMs and clients (default: the bind host, or the machine's name when bound to all interfaces)"`
	ClusterSecretFile string        `yaml:"cluster-secret-file" usage:"file holding the secret shared by every RM and NM of the cluster (created if missing)"`
	AuthTokenFile     string        `yaml:"auth-token-file" usage:"file of REST write tokens, one '<token> [user]' per line; required when the web address is not loopback"`
	AdminUsers        []string      `yaml:"admin-users" usage:"users who may kill any application (default: the user running the RM)"`
	HeartbeatInterval time.Duration `yaml:"heartbeat-interval" usage:"interval NodeManagers are told to heartbeat at"`
	NMExpiry          time.Duration `yaml:"nm-expiry" usage:"a NodeManager silent this long is LOST"`
	AMExpiry          time.Duration `yaml:"am-expiry" usage:"an ApplicationMaster silent this long fails its attempt"`
	AllocationExpiry  time.Duration `yaml:"allocation-expiry" usage:"a container allocated but not started this long is taken back"`
	AMMaxAttempts     int           `yaml:"am-max-attempts" usage:"most attempts any application gets"`
	MaxCompletedApps  int           `yaml:"max-completed-applications" usage:"finished applications kept for queries"`
	StagingDir        string        `yaml:"staging-dir" usage:"the cluster's staging URL (file:///dir, s3://bucket/prefix) or directory, passed to AMs"`
	RemoteAppLogDir   string        `yaml:"remote-app-log-dir" usage:"where NodeManagers aggregate finished applications' logs (file:///dir, s3://bucket/prefix); the web UI reads them there"`
	// Objects are the object store settings of s3:// URLs (api/objstore).
	Objects          objstore.Settings `yaml:",inline"`
	Recovery         string            `yaml:"recovery" usage:"state store: memory (nothing survives a restart), filesystem (state-dir; one RM) or zookeeper (zk-address; required for HA)"`
	StateDir         string            `yaml:"state-dir" usage:"directory of the filesystem state store"`
	RecoveryGrace    time.Duration     `yaml:"recovery-grace" usage:"after becoming active, how long no new container is scheduled while NMs and AMs resync"`
	HAID             string            `yaml:"ha-id" usage:"this RM's id in an HA cluster (rm1, rm2, ...); empty: no HA"`
	ZKAddress        []string          `yaml:"zk-address" usage:"ZooKeeper servers, host:port (for recovery zookeeper and HA)"`
	ZKSessionTimeout time.Duration     `yaml:"zk-session-timeout" usage:"ZooKeeper session timeout: a dead active RM is replaced after about this long"`
	RMRPCAddresses   []string          `yaml:"rm-rpc-addresses" usage:"every RM's internal RPC host:port, given to AMs (default: this RM's)"`
	RMWebAddresses   []string          `yaml:"rm-web-addresses" usage:"every RM's web host:port, given to AMs (default: this RM's)"`
	MaxBodyBytes     int64             `yaml:"max-body-bytes" usage:"largest REST request body accepted"`
	LogLevel         string            `yaml:"log-level" usage:"debug, info, warn or error"`
	LogFormat        string            `yaml:"log-format" usage:"console or json"`
	ReadyFile        string            `yaml:"ready-file" usage:"once serving, write the actual addresses here as JSON"`

	// Scheduler holds the capacity scheduler's settings and queue tree; it
	// comes from the config file only.
	Scheduler scheduler.Config `yaml:"scheduler" flag:"-"`
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		ClusterID:         "goyarn",
		WebAddress:        "127.0.0.1:8088",
		RPCAddress:        "127.0.0.1:8030",
		ClusterSecretFile: "~/.goyarn/cluster-secret",
		HeartbeatInterval: time.Second,
		NMExpiry:          30 * time.Second,
		AMExpiry:          10 * time.Minute,
		AllocationExpiry:  10 * time.Minute,
		AMMaxAttempts:     2,
		MaxCompletedApps:  10000,
		StagingDir:        "/tmp/goyarn/staging",
		Recovery:          "memory",
		RecoveryGrace:     2 * time.Second,
		ZKSessionTimeout:  10 * time.Second,
		MaxBodyBytes:      1 << 20,
		LogLevel:          "info",
		LogFormat:         "console",
		Scheduler:         scheduler.DefaultConfig(),
	}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.ClusterID == "" {
		errs = append(errs, errors.New("cluster-id must not be empty"))
	}
	for name, addr := range map[string]string{"web-address": c.WebAddress, "rpc-address": c.RPCAddress} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: want host:port", name, addr))
		}
	}
	if c.ClusterSecretFile == "" {
		errs = append(errs, errors.New("cluster-secret-file must be set"))
	}
	if !isLoopback(c.WebAddress) && c.AuthTokenFile == "" {
		errs = append(errs, fmt.Errorf("web-address %s is not loopback: set auth-token-file so that writes need a token", c.WebAddress))
	}
	switch c.Recovery {
	case "memory":
	case "filesystem":
		if c.StateDir == "" {
			errs = append(errs, errors.New("recovery filesystem needs state-dir"))
		}
	case "zookeeper":
		if len(c.ZKAddress) == 0 {
			errs = append(errs, errors.New("recovery zookeeper needs zk-address"))
		}
	default:
		errs = append(errs, fmt.Errorf("recovery %q: want memory, filesystem or zookeeper", c.Recovery))
	}
	if c.HAID != "" && c.Recovery != "zookeeper" {
		errs = append(errs, fmt.Errorf("ha-id %s needs recovery zookeeper (the RMs share their state there), not %s", c.HAID, c.Recovery))
	}
	if c.ZKSessionTimeout < time.Second {
		errs = append(errs, fmt.Errorf("zk-session-timeout %s: at least 1s", c.ZKSessionTimeout))
	}
	if c.RecoveryGrace < 0 {
		errs = append(errs, fmt.Errorf("recovery-grace %s must not be negative", c.RecoveryGrace))
	}
	if c.AMMaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("am-max-attempts must be at least 1, got %d", c.AMMaxAttempts))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max-body-bytes must be at least 1024, got %d", c.MaxBodyBytes))
	}
	if err := c.Scheduler.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("scheduler: %w", err))
	}
	return errors.Join(errs...)
}

// admins returns the configured admin users, or the user running the RM.
func (c Config) admins() []string {
	if len(c.AdminUsers) > 0 {
		return c.AdminUsers
	}
	if u, err := user.Current(); err == nil {
		return []string{u.Username}
	}
	return nil
}

// isLoopback reports whether addr's host is a loopback address or localhost.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
