package docker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Runtime runs each container as a Docker container. It is safe for
// concurrent use.
type Runtime struct {
	cfg Config
	api API
	log *zap.Logger
	now func() time.Time

	ctrs *containers.Table[*ctr]

	// watchCtx governs the watchers; Close cancels it.
	watchCtx  context.Context
	cancel    context.CancelFunc
	closing   chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

var _ containers.Runtime = (*Runtime)(nil)

// New makes a runtime that talks to the daemon through dockerAPI (see
// NewClient). It does not contact the daemon; containers already there stay
// unknown until Recover.
func New(dockerAPI API, cfg Config) (*Runtime, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if dockerAPI == nil {
		return nil, errors.New("docker runtime: no docker API")
	}
	r := &Runtime{
		cfg: cfg, api: dockerAPI, log: cfg.Logger, now: cfg.Clock,
		ctrs: containers.NewTable[*ctr]("docker"), closing: make(chan struct{}),
	}
	if r.log == nil {
		r.log = zap.NewNop()
	}
	r.log = r.log.Named("docker")
	if r.now == nil {
		r.now = time.Now
	}
	r.watchCtx, r.cancel = context.WithCancel(context.Background())
	return r, nil
}

// Ping reports whether the daemon answers, as ErrUnavailable when not.
func Ping(ctx context.Context, dockerAPI API) error {
	if _, err := dockerAPI.Ping(ctx); err != nil {
		return fmt.Errorf("%w: docker daemon: %w", containers.ErrUnavailable, err)
	}
	return nil
}

// Name is "docker".
func (r *Runtime) Name() string { return "docker" }

// Start checks spec against the policy (see checkRequest), creates the
// container from its image (which must be on the daemon already: nothing is
// pulled), starts it and returns once its shell runs the command. A refused
// or failed start leaves no container behind.
func (r *Runtime) Start(ctx context.Context, spec containers.Spec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	req, err := checkRequest(r.cfg, spec)
	if err != nil {
		return err
	}
	if mb := spec.Resource.MemoryMB; mb > 0 && mb < minMemoryMB {
		return fmt.Errorf("%w: %s: %d MB is below Docker's minimum memory limit of %d MB", containers.ErrInvalidSpec, spec.ID, mb, minMemoryMB)
	}
	mounts, err := mountsFor(spec)
	if err != nil {
		return err
	}
	mounts = append(mounts, req.mounts...)
	if err := r.ctrs.Reserve(spec.ID); err != nil {
		return err
	}

	t0 := time.Now()
	c, err := r.launch(ctx, spec, req, mounts)
	r.ctrs.Started(spec.ID, c, err == nil, r.watchUnlessClosed(c))
	if err != nil {
		return err
	}
	r.log.Info("container started", zap.String("container_id", spec.ID.String()), zap.String("app_id", spec.ID.App().String()),
		zap.String("image", req.image), zap.String("docker_id", shortID(c.dockerID)), zap.Int("pid", c.pid),
		zap.Duration("ready_after", time.Since(t0)))
	return nil
}

func shortID(id string) string { return id[:min(12, len(id))] }

// Wait blocks until the container has exited or ctx is done.
func (r *Runtime) Wait(ctx context.Context, id api.ContainerID) (containers.Status, error) {
	c, err := r.ctrs.Get(id)
	if err != nil {
		return containers.Status{}, err
	}
	select {
	case <-c.done:
		return c.status(), nil
	case <-ctx.Done():
		return c.status(), ctx.Err()
	case <-r.closing: // no watcher any more: ask the daemon in the caller's stead
		return r.waitDirect(ctx, c)
	}
}

// waitDirect waits for c through the daemon, for a Wait on a closed runtime.
func (r *Runtime) waitDirect(ctx context.Context, c *ctr) (containers.Status, error) {
	if c.isExited() {
		return c.status(), nil
	}
	waitC, errC := r.api.ContainerWait(ctx, c.dockerID, container.WaitConditionNotRunning)
	var err error
	select {
	case <-c.done:
		return c.status(), nil
	case <-waitC:
		var info container.InspectResponse
		if info, err = r.api.ContainerInspect(ctx, c.dockerID); err == nil && info.ContainerJSONBase != nil && info.State != nil {
			r.finished(c, info)
			return c.status(), nil
		} else if err == nil {
			err = errors.New("the daemon reported no state")
		}
	case err = <-errC:
	}
	switch {
	case ctx.Err() != nil:
		return c.status(), ctx.Err()
	case err != nil && cerrdefs.IsNotFound(err):
		r.lost(c, "its Docker container was removed while it ran")
		return c.status(), nil
	}
	return c.status(), wrap("waiting for "+c.id.String(), err)
}

// Stop sends SIGTERM to the container (its init passes it on to the shell,
// which passes it on to the command) and SIGKILL once grace has passed or
// ctx is done, unless it has exited by then; with no grace SIGKILL at once.
// This is `docker stop` with a grace period to the millisecond.
func (r *Runtime) Stop(ctx context.Context, id api.ContainerID, grace time.Duration) error {
	c, err := r.ctrs.Get(id)
	if err != nil {
		return err
	}
	if c.isExited() {
		return nil
	}
	c.markStopRequested()
	r.log.Info("stopping container", zap.String("container_id", id.String()), zap.Duration("grace", grace))
	if grace > 0 {
		if err := r.kill(ctx, c, "TERM"); err != nil {
			return err
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-c.done:
			return nil
		case <-t.C:
		case <-ctx.Done():
		}
	}
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return r.kill(kctx, c, "KILL")
}

// kill signals a container; one that is no longer running is no error.
func (r *Runtime) kill(ctx context.Context, c *ctr, sig string) error {
	err := r.api.ContainerKill(ctx, c.dockerID, sig)
	if err == nil || isGone(err) {
		return nil
	}
	return wrap("stopping "+c.id.String(), err)
}

// Inspect returns the container's status as the runtime last saw it.
func (r *Runtime) Inspect(_ context.Context, id api.ContainerID) (containers.Status, error) {
	c, err := r.ctrs.Get(id)
	if err != nil {
		return containers.Status{}, err
	}
	return c.status(), nil
}

// Remove removes an exited container and its anonymous volumes from the
// daemon (docker rm -v) and forgets it.
func (r *Runtime) Remove(ctx context.Context, id api.ContainerID) error {
	c, err := r.ctrs.Get(id)
	if err != nil {
		return err
	}
	if !c.isExited() {
		return fmt.Errorf("remove %s: %w", id, containers.ErrRunning)
	}
	if err := r.removeContainer(ctx, c.dockerID); err != nil {
		return wrap("removing "+id.String(), err)
	}
	r.ctrs.Forget(id, c)
	return nil
}

// Close stops the watchers. It never stops a container: the daemon keeps
// them, and a new Runtime re-attaches with Recover. Calling it again does
// nothing.
func (r *Runtime) Close() error {
	r.closeOnce.Do(func() {
		r.ctrs.Close()
		close(r.closing)
		r.cancel()
		r.wg.Wait()
	})
	return nil
}
