package docker

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/docker/docker/api/types/mount"

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
	hostname string        // "" with the host network
	mounts   []mount.Mount // the allowed mounts the container asked for
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
	if v := env[EnvMounts]; v != "" {
		ms, problems := allowedMounts(cfg.AllowedMounts, v)
		req.mounts = ms
		for _, p := range problems {
			refuse("%s", p)
		}
	}
	if v := env[EnvTmpfsMounts]; v != "" {
		refuse("tmpfs mounts are not allowed (%s=%s)", EnvTmpfsMounts, v)
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

// allowedMounts checks a container's mount requests — YARN's
// "src:dst[:ro|rw]" entries, comma-separated — against the node's
// allowlist: the source must lie under an allowed directory, read-write only
// where that entry says :rw. Requests default to read-only.
func allowedMounts(allowed []string, requested string) ([]mount.Mount, []string) {
	var ms []mount.Mount
	var problems []string
	for _, entry := range strings.Split(requested, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, ":")
		mode := "ro"
		if len(parts) == 3 {
			mode = parts[2]
		}
		if len(parts) < 2 || len(parts) > 3 || (mode != "ro" && mode != "rw") {
			problems = append(problems, fmt.Sprintf("mount %q: want src:dst[:ro|rw] (%s)", entry, EnvMounts))
			continue
		}
		src, dst := filepath.Clean(parts[0]), filepath.Clean(parts[1])
		if !filepath.IsAbs(parts[0]) || !filepath.IsAbs(parts[1]) || dst == "/" {
			problems = append(problems, fmt.Sprintf("mount %q: source and target must be absolute paths, the target not /", entry))
			continue
		}
		if real, err := filepath.EvalSymlinks(src); err == nil {
			src = real
		} else {
			problems = append(problems, fmt.Sprintf("mount %q: source %s: %v", entry, src, err))
			continue
		}
		if !mountAllowed(allowed, src, mode == "rw") {
			problems = append(problems, fmt.Sprintf("mount %q is not allowed on this node: allowed are %s (--docker-allowed-mounts)",
				entry, orNone(allowed)))
			continue
		}
		ms = append(ms, mount.Mount{Type: mount.TypeBind, Source: src, Target: dst, ReadOnly: mode == "ro",
			BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate}})
	}
	return ms, problems
}

// mountAllowed reports whether src (resolved) lies under an allowlist entry
// that permits the mode.
func mountAllowed(allowed []string, src string, rw bool) bool {
	for _, a := range allowed {
		dir, mode, _ := strings.Cut(a, ":")
		dir = filepath.Clean(dir)
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
		if rw && mode != "rw" {
			continue
		}
		if src == dir || strings.HasPrefix(src, dir+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
