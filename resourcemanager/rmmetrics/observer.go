package rmmetrics

import "time"

// Observer is told about events the metrics count. Implementations must be
// cheap and safe for concurrent use: the core calls them under its lock.
type Observer interface {
	// ScheduleDone: one scheduling pass took d and placed containers.
	ScheduleDone(d time.Duration, placed int)
	// HeartbeatHandled: handling one NM heartbeat took d.
	HeartbeatHandled(d time.Duration)
	// ContainerFinished: a container ended with a YARN exit status
	// (api.Exit* or the process's exit code).
	ContainerFinished(exitStatus int)
	// BecameActive: this RM started a term as the active RM, with the
	// state store's epoch after the bump (0 for stores without epochs).
	BecameActive(epoch int64)
}

// Nop is an Observer that does nothing.
type Nop struct{}

// ScheduleDone implements Observer.
func (Nop) ScheduleDone(time.Duration, int) {}

// HeartbeatHandled implements Observer.
func (Nop) HeartbeatHandled(time.Duration) {}

// ContainerFinished implements Observer.
func (Nop) ContainerFinished(int) {}

// BecameActive implements Observer.
func (Nop) BecameActive(int64) {}
