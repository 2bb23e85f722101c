package scheduler

import "errors"

// Sentinel errors; every error the package returns wraps one of them.
var (
	ErrUnknownQueue    = errors.New("scheduler: unknown queue")
	ErrNotLeafQueue    = errors.New("scheduler: not a leaf queue")
	ErrQueueStopped    = errors.New("scheduler: queue is stopped")
	ErrInvalidResource = errors.New("scheduler: invalid resource")
	ErrExceedsMaximum  = errors.New("scheduler: resource exceeds the maximum allocation")
	ErrUnknownApp      = errors.New("scheduler: unknown application")
	ErrUnknownNode     = errors.New("scheduler: unknown node")
	ErrDuplicate       = errors.New("scheduler: already exists")
	ErrInvalidConfig   = errors.New("scheduler: invalid config")
	ErrNodeFull        = errors.New("scheduler: container does not fit on node")
)
