package appmaster

import "errors"

// Sentinel errors; returned errors wrap them.
var (
	// ErrShutdown: the RM told the AM to exit (AM_SHUTDOWN) or no longer
	// knows its attempt (ATTEMPT_NOT_FOUND). The AM must exit without
	// unregistering.
	ErrShutdown = errors.New("resource manager told the application master to shut down")
	// ErrNotRegistered: Allocate or Finish before Register.
	ErrNotRegistered = errors.New("application master is not registered")
	// ErrInvalidRequest: a container request with a non-positive count,
	// capability or a negative priority.
	ErrInvalidRequest = errors.New("invalid container request")
	// ErrInvalidConfig is wrapped by Config.Validate's problems.
	ErrInvalidConfig = errors.New("invalid application master config")
	// ErrContainerStart: an NM refused to start a container.
	ErrContainerStart = errors.New("container start failed")
	// ErrContainerStop: an NM refused to stop a container.
	ErrContainerStop = errors.New("container stop failed")
	// ErrContainerStatus: an NM could not report a container's status.
	ErrContainerStatus = errors.New("container status failed")
)
