package appmaster

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
)

// Config says how an AMRMClient reaches the RMs and who it is.
type Config struct {
	// RMAddresses are the RMs' internal RPC addresses (host:port), every RM
	// of the cluster: the client moves to the next one on NOT_ACTIVE.
	RMAddresses []string
	// AttemptID is the application attempt this AM runs for.
	AttemptID api.AttemptID
	// Token is the AM token the RM issued for the attempt (sent as bearer).
	Token string
	// MaxWait is how long one call keeps trying while no RM answers as
	// active, long enough to ride out an RM failover (YARN's
	// yarn.resourcemanager.connect.max-wait.ms, 15 min).
	MaxWait time.Duration
	// BackoffBase and BackoffMax bound the pause between passes over the
	// RM addresses.
	BackoffBase, BackoffMax time.Duration
	// Timeout bounds one HTTP exchange.
	Timeout time.Duration
	// FinishPollInterval is the pause between finish calls while the RM
	// answers "not yet unregistered" (YARN polls every 100 ms).
	FinishPollInterval time.Duration
	// After returns a channel that fires after d (nil: time.After); tests
	// replace it.
	After func(d time.Duration) <-chan time.Time
}

// DefaultConfig returns the defaults; RMAddresses, AttemptID and Token are
// left for the caller (or ConfigFromEnv).
func DefaultConfig() Config {
	return Config{
		MaxWait:            15 * time.Minute,
		BackoffBase:        200 * time.Millisecond,
		BackoffMax:         5 * time.Second,
		Timeout:            30 * time.Second,
		FinishPollInterval: 100 * time.Millisecond,
	}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	if len(c.RMAddresses) == 0 {
		bad("no RM addresses (%s)", api.EnvRMRPCAddresses)
	}
	for _, a := range c.RMAddresses {
		if strings.TrimSpace(a) == "" {
			bad("empty RM address in %q", strings.Join(c.RMAddresses, ","))
		}
	}
	if c.AttemptID.IsZero() {
		bad("no application attempt id (%s)", api.EnvContainerID)
	}
	if c.Token == "" {
		bad("no AM token (%s)", api.EnvAMToken)
	}
	for name, d := range map[string]time.Duration{
		"max wait": c.MaxWait, "backoff base": c.BackoffBase, "backoff max": c.BackoffMax,
		"timeout": c.Timeout, "finish poll interval": c.FinishPollInterval,
	} {
		if d < 0 {
			bad("%s is negative (%s)", name, d)
		}
	}
	if c.BackoffMax > 0 && c.BackoffBase > c.BackoffMax {
		bad("backoff base %s is above backoff max %s", c.BackoffBase, c.BackoffMax)
	}
	return errors.Join(errs...)
}

// ConfigFromEnv returns DefaultConfig filled from the environment the NM
// gives an AM container: CONTAINER_ID (the attempt is the container's),
// GOYARN_AM_TOKEN and GOYARN_RM_RPC_ADDRESSES (comma-separated). getenv is
// os.Getenv in a real AM. The result is validated.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	var errs []error
	if s := getenv(api.EnvContainerID); s != "" {
		id, err := api.ParseContainerID(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %w", ErrInvalidConfig, api.EnvContainerID, err))
		}
		cfg.AttemptID = id.Attempt
	}
	cfg.Token = strings.TrimSpace(getenv(api.EnvAMToken))
	for _, a := range strings.Split(getenv(api.EnvRMRPCAddresses), ",") {
		if a = strings.TrimSpace(a); a != "" {
			cfg.RMAddresses = append(cfg.RMAddresses, a)
		}
	}
	if len(errs) == 0 {
		if err := cfg.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return cfg, errors.Join(errs...)
}

func (c Config) after(d time.Duration) <-chan time.Time {
	if c.After != nil {
		return c.After(d)
	}
	return time.After(d)
}
