package rmmetrics

import (
	"time"

	"github.com/goyarn/goyarn/api"
)

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

// Exit reasons, the values of the reason label.
const (
	ReasonSuccess     = "success"      // exit status 0
	ReasonFailed      = "failed"       // the process exited non-zero (or was signalled)
	ReasonKilled      = "killed"       // stopped on request: by the AM, the RM, or at application end
	ReasonAborted     = "aborted"      // ABORTED: released, expired unused, or lost with its node
	ReasonPreempted   = "preempted"    // PREEMPTED
	ReasonOOM         = "oom"          // killed over its physical or virtual memory limit
	ReasonDisksFailed = "disks_failed" // DISKS_FAILED
	ReasonInvalid     = "invalid"      // INVALID: never ran (localization or launch failed)
)

// Reasons lists every reason label value.
var Reasons = []string{ReasonSuccess, ReasonFailed, ReasonKilled, ReasonAborted, ReasonPreempted, ReasonOOM,
	ReasonDisksFailed, ReasonInvalid}

// ExitReason maps a YARN container exit status to its reason label.
func ExitReason(status int) string {
	switch status {
	case api.ExitSuccess:
		return ReasonSuccess
	case api.ExitKilledByAppMaster, api.ExitKilledByResourceManager, api.ExitKilledAfterAppCompletion:
		return ReasonKilled
	case api.ExitAborted:
		return ReasonAborted
	case api.ExitPreempted:
		return ReasonPreempted
	case api.ExitKilledExceededPMem, api.ExitKilledExceededVMem:
		return ReasonOOM
	case api.ExitDisksFailed:
		return ReasonDisksFailed
	case api.ExitInvalid:
		return ReasonInvalid
	}
	return ReasonFailed
}
