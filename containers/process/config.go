package process

import (
	"errors"
	"time"

	"go.uber.org/zap"
)

// Config configures the process runtime.
type Config struct {
	// StateDir holds one directory per container: launch script, pid file,
	// exit-code file. It must survive NM restarts for Recover to work.
	StateDir string
	// EnforceMemory kills containers whose process group's RSS exceeds their
	// allocation (api.ExitKilledExceededPMem).
	EnforceMemory bool
	// MemoryCheckInterval is how often the memory monitor scans /proc.
	MemoryCheckInterval time.Duration
	// ExitPollInterval is how often a recovered container (not a child of this
	// process, so not waitable) is checked for liveness.
	ExitPollInterval time.Duration
	// Logger is named "process" by the runtime; nil means no logging.
	Logger *zap.Logger
	// Clock stamps StartedAt and FinishedAt; nil means time.Now.
	Clock func() time.Time
}

// DefaultConfig returns memory enforcement on with a one-second check; the
// caller sets StateDir.
func DefaultConfig() Config {
	return Config{
		EnforceMemory:       true,
		MemoryCheckInterval: time.Second,
		ExitPollInterval:    250 * time.Millisecond,
	}
}

// Validate returns every problem with the config at once.
func (c Config) Validate() error {
	var errs []error
	if c.StateDir == "" {
		errs = append(errs, errors.New("process runtime: StateDir is required"))
	}
	if c.EnforceMemory && c.MemoryCheckInterval <= 0 {
		errs = append(errs, errors.New("process runtime: MemoryCheckInterval must be positive when EnforceMemory is set"))
	}
	if c.ExitPollInterval <= 0 {
		errs = append(errs, errors.New("process runtime: ExitPollInterval must be positive"))
	}
	return errors.Join(errs...)
}
