package nmmetrics

import (
	"time"

	"github.com/goyarn/goyarn/api"
)

// Observer is told about events the metrics count. Implementations must be
// cheap and safe for concurrent use.
type Observer interface {
	// ContainerLaunched: the runtime started a container.
	ContainerLaunched()
	// ContainerLaunchFailed: a container never ran; state is the NM state
	// it ended in (LOCALIZATION_FAILED, EXITED_WITH_FAILURE,
	// CONTAINER_CLEANEDUP_AFTER_KILL).
	ContainerLaunchFailed(state api.NMContainerState)
	// ContainerCompleted: a launched container ended with a YARN exit
	// status (api.Exit* or the process's exit code).
	ContainerCompleted(exitStatus int)
	// HeartbeatDone: one heartbeat to the RM took rtt; err is its error.
	HeartbeatDone(rtt time.Duration, err error)
}

// Nop is an Observer that does nothing.
type Nop struct{}

// ContainerLaunched implements Observer.
func (Nop) ContainerLaunched() {}

// ContainerLaunchFailed implements Observer.
func (Nop) ContainerLaunchFailed(api.NMContainerState) {}

// ContainerCompleted implements Observer.
func (Nop) ContainerCompleted(int) {}

// HeartbeatDone implements Observer.
func (Nop) HeartbeatDone(time.Duration, error) {}

// Launch failure reasons, the values of the reason label of
// goyarn_nm_container_launch_failures_total.
const (
	LaunchLocalization = "localization" // localizing its resources failed
	LaunchError        = "launch"       // dirs, launch context or the runtime failed
	LaunchKilled       = "killed"       // stopped before it started
)

// LaunchFailureReason maps the state a never-run container ended in.
func LaunchFailureReason(state api.NMContainerState) string {
	switch state {
	case api.NMContainerLocalizationFailed:
		return LaunchLocalization
	case api.NMContainerCleanedUpAfterKill, api.NMContainerKilling:
		return LaunchKilled
	}
	return LaunchError
}
