package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/client"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/docker"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/containers/process"
	"github.com/goyarn/goyarn/containers/routing"
	"github.com/goyarn/goyarn/nodemanager"
)

// dockerPingTimeout bounds how long the NM waits for the daemon at start.
const dockerPingTimeout = 3 * time.Second

// newRuntime builds the configured container runtime; close releases it
// (containers keep running). Its state lives under the NM state dir, so a
// restarted NM finds its containers again.
//
//   - process: every container is a process; a container asking for docker
//     (YARN_CONTAINER_RUNTIME_TYPE=docker) is refused.
//   - docker: the daemon must answer; containers run in Docker unless they
//     ask for YARN_CONTAINER_RUNTIME_TYPE=default.
//   - auto: docker when the daemon answers and the default image is built,
//     else process (a daemon that answers is still used for containers that
//     ask for docker, and to recover earlier ones).
func newRuntime(ctx context.Context, cfg nodemanager.Config, log *zap.Logger) (containers.Runtime, func(), error) {
	if cfg.ContainerRuntime == nodemanager.RuntimeFake {
		rt := fake.New(fake.Config{})
		return rt, func() { _ = rt.Close() }, nil
	}
	pc := process.DefaultConfig()
	pc.StateDir = filepath.Join(cfg.StateDir, "process")
	pc.Logger = log
	proc, err := process.New(pc)
	if err != nil {
		return nil, nil, err
	}
	runtimes := map[string]containers.Runtime{routing.TypeDefault: proc}
	def, why := routing.TypeDefault, "--container-runtime process"
	var ds dockerSetup
	if cfg.ContainerRuntime != nodemanager.RuntimeProcess {
		ds, err = newDocker(ctx, cfg, log)
		switch {
		case err != nil && cfg.ContainerRuntime == nodemanager.RuntimeDocker:
			_ = proc.Close()
			return nil, nil, fmt.Errorf("--container-runtime docker: %w", err)
		case err != nil:
			why = fmt.Sprintf("auto: %v", err)
		case ds.imageErr != nil && cfg.ContainerRuntime == nodemanager.RuntimeAuto:
			runtimes[routing.TypeDocker] = ds.rt
			why = fmt.Sprintf("auto: the Docker daemon answers but %v; containers asking for docker still go to it", ds.imageErr)
		default:
			runtimes[routing.TypeDocker] = ds.rt
			def, why = routing.TypeDocker, "--container-runtime "+cfg.ContainerRuntime
			if ds.imageErr != nil {
				log.Warn("the default Docker image is not built: containers will be refused until it is", zap.Error(ds.imageErr))
			}
		}
	}
	rt, err := routing.New(routing.Config{Runtimes: runtimes, Default: def})
	if err != nil {
		_ = proc.Close()
		if ds.cli != nil {
			_ = ds.cli.Close()
		}
		return nil, nil, err
	}
	log.Info("container runtime chosen", zap.String("runtime", rt.Name()), zap.String("default_type", def), zap.String("why", why))
	return rt, func() {
		_ = rt.Close()
		if ds.cli != nil {
			_ = ds.cli.Close()
		}
	}, nil
}

// dockerSetup is a connected daemon and the docker runtime on it.
type dockerSetup struct {
	cli      *client.Client
	rt       *docker.Runtime
	imageErr error // the default image is missing
}

// newDocker connects to the daemon and makes the docker runtime.
func newDocker(ctx context.Context, cfg nodemanager.Config, log *zap.Logger) (dockerSetup, error) {
	cli, err := docker.NewClient(cfg.DockerHost)
	if err != nil {
		return dockerSetup{}, err
	}
	pctx, cancel := context.WithTimeout(ctx, dockerPingTimeout)
	defer cancel()
	if err := docker.Ping(pctx, cli); err != nil {
		_ = cli.Close()
		return dockerSetup{}, fmt.Errorf("docker daemon not reachable: %w", err)
	}
	dc := docker.DefaultConfig()
	dc.Node, dc.ClusterID = dockerNode(cfg), cfg.ClusterID
	dc.DefaultImage, dc.AllowedImages = cfg.DockerDefaultImage, cfg.DockerAllowedImages
	dc.Network, dc.AllowedNetworks = cfg.DockerNetwork, cfg.DockerAllowedNetworks
	dc.AllowedMounts = cfg.DockerAllowedMounts
	dc.PidsLimit, dc.CPUQuota, dc.Init = cfg.DockerPidsLimit, cfg.DockerCPUQuota, cfg.DockerInit
	dc.Logger = log
	dk, err := docker.New(cli, dc)
	if err != nil {
		_ = cli.Close()
		return dockerSetup{}, err
	}
	var imageErr error
	if _, err := cli.ImageInspect(pctx, cfg.DockerDefaultImage); cerrdefs.IsNotFound(err) {
		imageErr = fmt.Errorf("image %s is not built (make images)", cfg.DockerDefaultImage)
	} else if err != nil {
		imageErr = fmt.Errorf("inspecting image %s: %w", cfg.DockerDefaultImage, err)
	}
	return dockerSetup{cli: cli, rt: dk, imageErr: imageErr}, nil
}

// dockerNode is the label that marks this NM's Docker containers. It must
// survive a restart however the NM is restarted, so it names what makes the
// restarted NM the same one — its recovery state dir — not its RPC address,
// which a restart may give differently (a port first picked with 0, then
// fixed), and two NMs sharing a daemon never share a state dir.
func dockerNode(cfg nodemanager.Config) string {
	sum := sha256.Sum256([]byte(cfg.StateDir))
	return cfg.Hostname + ":state-" + hex.EncodeToString(sum[:6])
}
