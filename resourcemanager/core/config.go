package core

import (
	"errors"
	"fmt"
	"time"
)

// Config tunes the core. Durations are YARN's unless the issue said otherwise.
type Config struct {
	// ClusterTimestamp is this RM's start time in ms: the prefix of the
	// application ids it assigns.
	ClusterTimestamp int64
	// Epoch goes into every container id this RM allocates.
	Epoch int64
	// HeartbeatInterval is what NMs are told to heartbeat at.
	HeartbeatInterval time.Duration
	// NodeExpiry: a node silent this long is LOST.
	NodeExpiry time.Duration
	// AMExpiry: an AM silent this long fails its attempt.
	AMExpiry time.Duration
	// AllocationExpiry: a container allocated but not running after this long
	// is taken back.
	AllocationExpiry time.Duration
	// MaxAttempts caps every application's attempts (yarn.resourcemanager.am.max-attempts).
	MaxAttempts int32
	// MaxCompletedApps bounds the finished applications kept for queries.
	MaxCompletedApps int
	// RMRPCAddresses and RMWebAddresses are given to AMs so they find the RMs.
	RMRPCAddresses []string
	RMWebAddresses []string
	// StagingDir is given to AMs (GOYARN_STAGING_DIR).
	StagingDir string
	// LogAggregation says NMs aggregate logs (a remote-app-log-dir is set):
	// applications no node reported on are NOT_START rather than DISABLED.
	LogAggregation bool
	// LogAggregationTimeout: a node whose aggregation has not ended this long
	// after its application finished counts as TIME_OUT
	// (yarn.log-aggregation-status.time-out.ms; default 10 min).
	LogAggregationTimeout time.Duration
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		ClusterTimestamp:      time.Now().UnixMilli(),
		HeartbeatInterval:     time.Second,
		NodeExpiry:            30 * time.Second,
		AMExpiry:              10 * time.Minute,
		AllocationExpiry:      10 * time.Minute,
		MaxAttempts:           2,
		MaxCompletedApps:      10000,
		LogAggregationTimeout: 10 * time.Minute,
	}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.ClusterTimestamp <= 0 {
		errs = append(errs, errors.New("cluster timestamp must be positive"))
	}
	if c.Epoch < 0 || c.Epoch >= 1<<24 {
		errs = append(errs, fmt.Errorf("epoch %d out of range [0, 2^24)", c.Epoch))
	}
	for name, d := range map[string]time.Duration{"heartbeat interval": c.HeartbeatInterval, "node expiry": c.NodeExpiry,
		"AM expiry": c.AMExpiry, "allocation expiry": c.AllocationExpiry} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %s", name, d))
		}
	}
	if c.NodeExpiry > 0 && c.HeartbeatInterval > 0 && c.NodeExpiry < 2*c.HeartbeatInterval {
		errs = append(errs, fmt.Errorf("node expiry %s must be at least twice the heartbeat interval %s", c.NodeExpiry, c.HeartbeatInterval))
	}
	if c.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("max attempts must be at least 1, got %d", c.MaxAttempts))
	}
	if c.MaxCompletedApps < 0 {
		errs = append(errs, fmt.Errorf("max completed applications must not be negative, got %d", c.MaxCompletedApps))
	}
	return errors.Join(errs...)
}
