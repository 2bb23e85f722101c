package containers

import (
	"context"
	"errors"
	"time"

	"github.com/goyarn/goyarn/api"
)

// Errors a Runtime wraps.
var (
	// ErrNotFound: the runtime knows no container with that id.
	ErrNotFound = errors.New("container not found")
	// ErrExists: a container with that id was already started.
	ErrExists = errors.New("container already exists")
	// ErrInvalidSpec: the spec cannot be run (missing dirs, empty command, a
	// refused image, ...).
	ErrInvalidSpec = errors.New("invalid container spec")
	// ErrUnavailable: the runtime's backend does not answer (docker daemon down).
	ErrUnavailable = errors.New("container runtime unavailable")
	// ErrRunning: Remove was asked for a container that has not exited.
	ErrRunning = errors.New("container is still running")
)

// Spec is everything a runtime needs to run one container.
type Spec struct {
	ID   api.ContainerID
	User string // the application's submitter
	// Command is one shell command line (the launch context's commands joined,
	// placeholders already expanded). It runs in WorkDir with Env; its stdout
	// and stderr go to LogDir/stdout and LogDir/stderr unless it redirects them.
	Command string
	Env     map[string]string
	WorkDir string // exists, holds the localized files; read-write
	LogDir  string // exists; read-write
	// AppDirs are the application's local dirs on this node (LOCAL_DIRS),
	// shared by its containers: the docker runtime mounts them read-write
	// (a process sees the host's file system anyway).
	AppDirs []string
	// Resource is the container's allocation: its memory is a hard limit.
	Resource api.Resource
	Image    string            // container image (docker runtime only)
	Labels   map[string]string // carried by the runtime where it can (docker labels)
}

// Status is what a runtime knows of one container.
type Status struct {
	ID      api.ContainerID
	Running bool
	// ExitCode is set once the container has exited: the process's exit code,
	// 128+signal when killed by a signal, or one of the api.Exit* statuses
	// (api.ExitKilledExceededPMem when killed over its memory limit).
	ExitCode int
	// Diagnostics explains an abnormal end, in YARN's style.
	Diagnostics string
	Pid         int
	StartedAt   time.Time
	FinishedAt  time.Time
}

// Runtime runs containers. Implementations are safe for concurrent use.
type Runtime interface {
	// Name is the runtime's name: "process", "docker", "fake".
	Name() string
	// Start starts the container and returns once it runs, or with an error
	// (ErrInvalidSpec, ErrExists, ErrUnavailable, ...) if it could not start.
	Start(ctx context.Context, spec Spec) error
	// Wait blocks until the container has exited (or ctx is done) and returns
	// its final status. It works for recovered containers too.
	Wait(ctx context.Context, id api.ContainerID) (Status, error)
	// Stop asks the container to stop (SIGTERM or the runtime's equivalent)
	// and kills it after grace. Stopping an exited container is not an error.
	Stop(ctx context.Context, id api.ContainerID, grace time.Duration) error
	// Inspect returns the container's current status.
	Inspect(ctx context.Context, id api.ContainerID) (Status, error)
	// Recover re-finds the containers this runtime started before the NM
	// restarted — still running or exited meanwhile — and re-attaches to them
	// so Wait, Stop and Inspect work on them again. It returns every
	// container the runtime holds, not only the survivors.
	Recover(ctx context.Context) ([]Status, error)
	// Remove releases what the runtime holds for an exited container (docker
	// rm, pid files). The NM owns and removes the work and log dirs.
	Remove(ctx context.Context, id api.ContainerID) error
	// Close stops background work (memory monitors); containers keep running.
	Close() error
}
