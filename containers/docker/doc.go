// Package docker is the containers.Runtime that runs each container as a
// Docker container (YARN's DockerLinuxContainerRuntime), through the small
// API interface this package defines over the Docker Engine client, so its
// error paths are tested with a fake.
//
// # What a container is
//
// The image is the spec's (YARN_CONTAINER_RUNTIME_DOCKER_IMAGE in the launch
// environment) or Config.DefaultImage, and must already be on the daemon:
// nothing is ever pulled (the machines reach no registry). A missing image is
// refused (ErrInvalidSpec) with a diagnostic that says how to build it. See
// containers/docker/image for goyarn/executor and for building your own.
//
// The entrypoint is `/bin/sh -c <launch script>`, whatever the image's own
// entrypoint: the script writes a ready marker to the daemon's log, appends
// stdout and stderr to LogDir/stdout and LogDir/stderr (so `goyarn logs` is the
// same as for the process runtime), and evals the spec's command in WorkDir.
// The exit code is the shell's; the daemon keeps it, which is what the
// process runtime's exit-code file is for. Start returns once the marker is
// seen (or the shell ended). The container's PID 1 is the daemon's init
// (Config.Init), which passes signals on and reaps orphans.
//
// Environment: exactly Spec.Env, plus what the image's ENV lines set for
// names the spec leaves unset (goyarn/executor sets none) and, when the spec
// has no PATH, Docker's default one (as the process runtime adds one);
// the HOSTNAME and HOME Docker adds are removed unless the spec sets them.
//
// Mounts, each at its host path and nothing else from the host: the work
// dir, log dir and the application's dirs (Spec.AppDirs, LOCAL_DIRS)
// read-write; every file and directory already in the work dir when the
// container starts — the localized resources, the application binary among
// them — read-only on top. Binding them read-only (rather than chmod) leaves
// the staging copies they are hard links of untouched, and a container cannot
// change another's view of a shared staged file.
//
// Limits: memory hard limit = Spec.Resource.MemoryMB (Memory = MemorySwap,
// no swap); CPU shares 1024 × vcores, and with Config.CPUQuota a quota of the
// vcores; Config.PidsLimit processes. Security, not negotiable: never
// privileged, every capability dropped, no-new-privileges, the NodeManager's
// uid:gid (Config.User). Network: Config.Network (host by default, so
// executors reach their driver on the host's addresses), or the one the
// launch environment asks for (YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_NETWORK)
// if allowed.
//
// Refused with ErrInvalidSpec, before anything is created, each reason
// spelled out: an image outside Config.AllowedImages (prefix match), a
// privileged request (YARN_CONTAINER_RUNTIME_DOCKER_RUN_PRIVILEGED_CONTAINER),
// a network not allowed, extra or tmpfs mounts, the host PID namespace, port
// mappings, running the image's own command (RUN_OVERRIDE_DISABLE).
//
// Labels: goyarn.node (Config.Node), goyarn.cluster, goyarn.app,
// goyarn.container, goyarn.log-dir, plus Spec.Labels. The container's name is
// goyarn-<container id>-<hash of the node>.
//
// # Lifecycle
//
// Wait reports the exit code; an OOM kill (State.OOMKilled) is
// api.ExitKilledExceededPMem with YARN-style diagnostics; a non-zero exit
// carries the tail of stderr; the daemon's State.Error is appended. Stop sends
// SIGTERM, then SIGKILL after the grace period (docker stop, to the
// millisecond). Remove is docker rm -v. Recover lists the containers labelled
// with this node and re-attaches: running ones are watched again, exited ones
// report the exit code the daemon kept. Close stops watching; it never stops
// a container — the daemon owns them, so a NodeManager killed with -9 leaves
// them running for its successor.
//
// This package touches only the daemon's containers labelled with its node,
// and reads the work and log dirs it is given. It knows nothing of the NM.
package docker
