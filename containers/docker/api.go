package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/goyarn/goyarn/containers"
)

// API is the part of the Docker Engine API the runtime uses; *client.Client
// implements it, and tests replace it with a fake.
type API interface {
	Ping(ctx context.Context) (types.Ping, error)
	ImageInspect(ctx context.Context, ref string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ContainerCreate(ctx context.Context, cfg *container.Config, host *container.HostConfig,
		net *network.NetworkingConfig, platform *ocispec.Platform, name string) (container.CreateResponse, error)
	ContainerStart(ctx context.Context, id string, opts container.StartOptions) error
	ContainerLogs(ctx context.Context, id string, opts container.LogsOptions) (io.ReadCloser, error)
	ContainerWait(ctx context.Context, id string, cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error)
	ContainerKill(ctx context.Context, id, signal string) error
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	ContainerList(ctx context.Context, opts container.ListOptions) ([]container.Summary, error)
	ContainerRemove(ctx context.Context, id string, opts container.RemoveOptions) error
}

var _ API = (*client.Client)(nil)

// NewClient connects to the daemon at host ("" means DOCKER_HOST or the
// default socket), negotiating the API version (the machines run 20.10+).
// It does not contact the daemon: Ping does.
func NewClient(host string) (*client.Client, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	return client.NewClientWithOpts(opts...)
}

// unavailable reports an error that means the daemon did not answer.
func unavailable(err error) bool {
	var opErr *net.OpError
	return client.IsErrConnectionFailed(err) || cerrdefs.IsUnavailable(err) ||
		errors.As(err, &opErr) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// wrap gives a daemon error the containers error it stands for.
func wrap(what string, err error) error {
	if unavailable(err) {
		return fmt.Errorf("%w: docker: %s: %w", containers.ErrUnavailable, what, err)
	}
	return fmt.Errorf("docker: %s: %w", what, err)
}
