package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// launch checks the image is on the daemon, creates and starts the
// container, and waits until its shell runs. On failure it removes what it
// created.
func (r *Runtime) launch(ctx context.Context, spec containers.Spec, req request, mounts []mount.Mount) (*ctr, error) {
	id := spec.ID.String()
	if _, err := r.api.ImageInspect(ctx, req.image); err != nil {
		if cerrdefs.IsNotFound(err) {
			return nil, fmt.Errorf("%w: %s: image %q is not on this node's Docker daemon, and images are never pulled: "+
				"build it on this node (`make images` builds goyarn/executor; for your own image `docker build -t %s .` "+
				"with a Dockerfile FROM goyarn/executor or any image with a /bin/sh)", containers.ErrInvalidSpec, id, req.image, req.image)
		}
		return nil, wrap("inspecting image "+req.image, err)
	}
	cc, hc := r.containerConfig(spec, req, mounts)
	name := containerName(r.cfg.Node, spec.ID)
	created, err := r.api.ContainerCreate(ctx, cc, hc, nil, nil, name)
	if err != nil {
		if cerrdefs.IsConflict(err) {
			return nil, fmt.Errorf("%w: %s: a Docker container named %s exists already: %w", containers.ErrExists, id, name, err)
		}
		return nil, wrap("creating "+id, err)
	}
	for _, w := range created.Warnings {
		r.log.Warn("docker warns about the container", zap.String("container_id", id), zap.String("warning", w))
	}
	cleanup := func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := r.api.ContainerRemove(cctx, created.ID, container.RemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !cerrdefs.IsNotFound(err) {
			r.log.Warn("removing a container that failed to start failed", zap.String("container_id", id), zap.Error(err))
		}
	}
	if err := r.api.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		cleanup()
		if msg := err.Error(); strings.Contains(msg, "no such file or directory") || strings.Contains(msg, "executable file not found") {
			return nil, fmt.Errorf("%w: %s: image %q cannot run /bin/sh: %w", containers.ErrInvalidSpec, id, req.image, err)
		}
		return nil, wrap("starting "+id, err)
	}
	c := newCtr(spec.ID, created.ID, spec.LogDir, 0, r.now())
	if info, err := r.api.ContainerInspect(ctx, created.ID); err == nil && info.ContainerJSONBase != nil && info.State != nil {
		c.pid = info.State.Pid
		if t := parseTime(info.State.StartedAt); !t.IsZero() {
			c.startedAt = t
		}
	} else if err != nil {
		r.log.Warn("inspecting a started container failed", zap.String("container_id", id), zap.Error(err))
	}
	r.awaitReady(ctx, c)
	return c, nil
}

// awaitReady waits until the container's shell has written readyMarker to
// its stdout (the daemon's log) or has ended, so a Stop right after Start
// reaches a shell that handles it. The container runs either way.
func (r *Runtime) awaitReady(ctx context.Context, c *ctr) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.ReadyTimeout)
	defer cancel()
	logs, err := r.api.ContainerLogs(ctx, c.dockerID, container.LogsOptions{ShowStdout: true, Follow: true})
	if err == nil {
		// One frame of the multiplexed stream: an 8-byte header, then output.
		var frame [8 + 1]byte
		_, err = io.ReadFull(logs, frame[:])
		logs.Close()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = nil // the shell ended before saying it runs: Wait tells how
		}
	}
	if err != nil {
		r.log.Warn("container not seen running its command", zap.String("container_id", c.id.String()), zap.Error(err))
	}
}

// removeContainer is docker rm -v; a container already gone is no error.
func (r *Runtime) removeContainer(ctx context.Context, dockerID string) error {
	err := r.api.ContainerRemove(ctx, dockerID, container.RemoveOptions{RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return err
	}
	return nil
}

// isGone reports an error saying the container is not running (any more).
func isGone(err error) bool {
	return cerrdefs.IsNotFound(err) || cerrdefs.IsConflict(err) || strings.Contains(err.Error(), "is not running")
}

// watchUnlessClosed is the add func (see containers.AddFunc) that starts
// the watcher of c unless the runtime is closed.
func (r *Runtime) watchUnlessClosed(c *ctr) containers.AddFunc {
	return func(closed bool) bool {
		if !closed {
			r.wg.Add(1)
			go r.watch(c)
		}
		return true
	}
}

// watch waits for c to exit and records how, from the daemon's final state.
// Daemon errors (a restart) are retried every RetryInterval until Close; a
// container removed behind the runtime's back is recorded as lost.
func (r *Runtime) watch(c *ctr) {
	defer r.wg.Done()
	log := r.log.With(zap.String("container_id", c.id.String()))
	for {
		waitC, errC := r.api.ContainerWait(r.watchCtx, c.dockerID, container.WaitConditionNotRunning)
		var err error
		select {
		case <-waitC:
		case err = <-errC:
		}
		if err == nil {
			var info container.InspectResponse
			if info, err = r.api.ContainerInspect(r.watchCtx, c.dockerID); err == nil && info.ContainerJSONBase != nil && info.State != nil {
				if info.State.Running || info.State.Restarting {
					continue
				}
				r.finished(c, info)
				return
			}
		}
		switch {
		case r.watchCtx.Err() != nil:
			return
		case err != nil && cerrdefs.IsNotFound(err):
			r.lost(c, "its Docker container was removed while it ran")
			return
		}
		log.Warn("watching container failed; retrying", zap.Error(err))
		select {
		case <-r.watchCtx.Done():
			return
		case <-time.After(r.cfg.RetryInterval):
		}
	}
}

// finished records c's end from the daemon's inspection of it.
func (r *Runtime) finished(c *ctr, info container.InspectResponse) {
	code, diag := exitOf(c, info.State, info.HostConfig)
	at := parseTime(info.State.FinishedAt)
	if at.IsZero() || at.Before(c.startedAt) {
		at = r.now()
	}
	if c.finish(code, diag, at) {
		r.log.Info("container exited", zap.String("container_id", c.id.String()), zap.Int("exit_code", code),
			zap.Bool("oom_killed", info.State.OOMKilled), zap.String("diagnostics", diag))
	}
}

// lost records the end of a container whose exit status cannot be known.
func (r *Runtime) lost(c *ctr, why string) {
	diag := fmt.Sprintf("Container %s was lost: %s; its exit status is unknown.", c.id, why)
	if c.finish(api.ExitAborted, diag, r.now()) {
		r.log.Warn("container lost", zap.String("container_id", c.id.String()), zap.String("diagnostics", diag))
	}
}
