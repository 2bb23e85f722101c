package docker

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goyarn/goyarn/containers"
)

// What a container's launch environment may ask of the docker runtime,
// named as YARN names them (api/env.go has the runtime type and image).
const (
	EnvNetwork           = "YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_NETWORK"
	EnvPrivileged        = "YARN_CONTAINER_RUNTIME_DOCKER_RUN_PRIVILEGED_CONTAINER"
	EnvMounts            = "YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS"
	EnvTmpfsMounts       = "YARN_CONTAINER_RUNTIME_DOCKER_TMPFS_MOUNTS"
	EnvPidNamespace      = "YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_PID_NAMESPACE"
	EnvRunOverride       = "YARN_CONTAINER_RUNTIME_DOCKER_RUN_OVERRIDE_DISABLE"
	EnvPortsMapping      = "YARN_CONTAINER_RUNTIME_DOCKER_PORTS_MAPPING"
	EnvContainerHostname = "YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_HOSTNAME"
)

// request is what a container runs with, once the policy allowed it.
type request struct {
	image    string
	network  string
	hostname string // "" with the host network
}

var hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// checkRequest applies the runtime's policy to a spec: the image must be
// under an allowed prefix, the network allowed; privileged containers, the
// host PID namespace, extra mounts, port mappings and the image's own
// command are refused. Every reason is reported at once, wrapped in
// containers.ErrInvalidSpec.
func checkRequest(cfg Config, spec containers.Spec) (request, error) {
	env := spec.Env
	req := request{image: spec.Image, network: cfg.Network}
	if req.image == "" {
		req.image = cfg.DefaultImage
	}
	var errs []error
	refuse := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case strings.ContainsAny(req.image, " \t\n"):
		refuse("image %q holds white space", req.image)
	case !imageAllowed(cfg.AllowedImages, req.image):
		refuse("image %q is not allowed on this node: images must start with one of %s (--docker-allowed-images)",
			req.image, strings.Join(cfg.AllowedImages, ", "))
	}
	if v := env[EnvPrivileged]; v != "" && !strings.EqualFold(v, "false") {
		refuse("privileged containers are never allowed (%s=%s)", EnvPrivileged, v)
	}
	if v := env[EnvNetwork]; v != "" {
		req.network = v
	}
	if !contains(cfg.AllowedNetworks, req.network) {
		refuse("network %q is not allowed on this node: allowed are %s (%s)",
			req.network, strings.Join(cfg.AllowedNetworks, ", "), EnvNetwork)
	}
	for _, k := range []string{EnvMounts, EnvTmpfsMounts} {
		if v := env[k]; v != "" {
			refuse("extra mounts are not allowed: a container gets only its work, log and application dirs (%s=%s)", k, v)
		}
	}
	if v := env[EnvPidNamespace]; v != "" {
		refuse("the host PID namespace is not allowed (%s=%s)", EnvPidNamespace, v)
	}
	if v := env[EnvRunOverride]; v != "" && !strings.EqualFold(v, "false") {
		refuse("running the image's own command is not supported: the container runs its launch command (%s=%s)", EnvRunOverride, v)
	}
	if v := env[EnvPortsMapping]; v != "" {
		refuse("port mappings are not supported (%s=%s)", EnvPortsMapping, v)
	}
	if v := env[EnvContainerHostname]; v != "" {
		switch {
		case req.network == "host":
			refuse("a container hostname cannot be set on the host network (%s=%s)", EnvContainerHostname, v)
		case !hostnamePattern.MatchString(v):
			refuse("%q is not a host name (%s)", v, EnvContainerHostname)
		default:
			req.hostname = v
		}
	}
	if len(errs) > 0 {
		return req, fmt.Errorf("%w: %s: docker runtime refused the container: %w", containers.ErrInvalidSpec, spec.ID, errors.Join(errs...))
	}
	return req, nil
}
