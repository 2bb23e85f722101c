package docker

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Labels the runtime puts on its containers; Recover lists them by
// LabelNode (and LabelCluster when set).
const (
	LabelCluster   = "goyarn.cluster"
	LabelNode      = "goyarn.node"
	LabelApp       = "goyarn.app"
	LabelContainer = "goyarn.container"
	LabelLogDir    = "goyarn.log-dir" // where the container's stderr is, for diagnostics after a restart
)

// readyMarker is what the launch script writes to the container's own
// stdout (the daemon's log) once its shell runs; Start waits for it.
const readyMarker = "goyarn-ready"

// minMemoryMB is the smallest memory limit Docker accepts (6 MB).
const minMemoryMB = 6

// containerName is the daemon-wide name of a container: its id plus a hash
// of the node, so NodeManagers sharing a daemon never collide.
func containerName(node string, id api.ContainerID) string {
	h := sha256.Sum256([]byte(node))
	return fmt.Sprintf("goyarn-%s-%x", id, h[:4])
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// launchScript is what the container's /bin/sh runs, as the process
// runtime's launch script: say it runs (readyMarker, to the daemon's log),
// append stdout and stderr to LogDir/stdout and LogDir/stderr, drop the
// HOSTNAME and HOME Docker adds unless the spec sets them, then run the
// command. eval
// parses the command only once stderr is the log file, so even a syntax
// error lands there. The exit code is the shell's, which the daemon keeps
// (container State.ExitCode) for Wait and for Recover after a restart.
func launchScript(spec containers.Spec) string {
	var b strings.Builder
	b.WriteString("echo " + readyMarker + "\n")
	fmt.Fprintf(&b, "exec >>%s 2>>%s || exit 125\n",
		shellQuote(filepath.Join(spec.LogDir, "stdout")), shellQuote(filepath.Join(spec.LogDir, "stderr")))
	for _, name := range []string{"HOSTNAME", "HOME"} { // Docker adds them; PATH it adds is kept, as the process runtime adds one
		if _, ok := spec.Env[name]; !ok {
			b.WriteString("unset " + name + "\n")
		}
	}
	b.WriteString("eval " + shellQuote(spec.Command) + "\n")
	return b.String()
}

// mountsFor lists what the container gets from the host, each at its own
// path: its work dir, log dir and application dirs read-write, and every
// file or directory already in the work dir (the localized resources, the
// application binary among them) read-only over it. Symlinks are not bound
// (they resolve inside the container).
func mountsFor(spec containers.Spec) ([]mount.Mount, error) {
	bind := func(p string, ro bool) mount.Mount {
		return mount.Mount{Type: mount.TypeBind, Source: p, Target: p, ReadOnly: ro,
			BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate}}
	}
	var ms []mount.Mount
	seen := map[string]bool{}
	for _, d := range append([]string{spec.WorkDir, spec.LogDir}, spec.AppDirs...) {
		d = filepath.Clean(d)
		if seen[d] {
			continue
		}
		if fi, err := os.Stat(d); !filepath.IsAbs(d) || err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("%w: %s: %q is not an absolute path to a directory", containers.ErrInvalidSpec, spec.ID, d)
		}
		seen[d] = true
		ms = append(ms, bind(d, false))
	}
	entries, err := os.ReadDir(spec.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: reading the work dir: %w", containers.ErrInvalidSpec, spec.ID, err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() || e.IsDir() {
			ms = append(ms, bind(filepath.Join(filepath.Clean(spec.WorkDir), e.Name()), true))
		}
	}
	return ms, nil
}

// labels are the spec's labels with the runtime's own on top.
func (r *Runtime) labels(spec containers.Spec) map[string]string {
	l := make(map[string]string, len(spec.Labels)+5)
	for k, v := range spec.Labels {
		l[k] = v
	}
	l[LabelNode] = r.cfg.Node
	l[LabelApp] = spec.ID.App().String()
	l[LabelContainer] = spec.ID.String()
	l[LabelLogDir] = spec.LogDir
	if r.cfg.ClusterID != "" {
		l[LabelCluster] = r.cfg.ClusterID
	}
	return l
}

// containerConfig is the create request: the launch script as the
// entrypoint (the image's own entrypoint and command are not run), exactly
// the spec's environment, the NodeManager's uid:gid, the limits, and the
// security settings that are not negotiable: not privileged, every
// capability dropped, no new privileges, nothing but mountsFor mounted.
func (r *Runtime) containerConfig(spec containers.Spec, req request, mounts []mount.Mount) (*container.Config, *container.HostConfig) {
	env := make([]string, 0, len(spec.Env))
	for k, v := range spec.Env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	cc := &container.Config{
		Image:      req.image,
		Entrypoint: []string{"/bin/sh", "-c", launchScript(spec)},
		Env:        env,
		WorkingDir: spec.WorkDir,
		User:       r.cfg.User,
		Labels:     r.labels(spec),
		Hostname:   req.hostname,
	}
	pids := r.cfg.PidsLimit
	res := container.Resources{PidsLimit: &pids}
	if mb := spec.Resource.MemoryMB; mb > 0 {
		res.Memory = mb << 20
		res.MemorySwap = res.Memory // no swap: the allocation is a hard limit
	}
	if vc := spec.Resource.VCores; vc > 0 {
		res.CPUShares = 1024 * vc
		if r.cfg.CPUQuota {
			res.NanoCPUs = min(vc, int64(runtime.NumCPU())) * 1e9
		}
	}
	withInit := r.cfg.Init
	hc := &container.HostConfig{
		NetworkMode:   container.NetworkMode(req.network),
		Mounts:        mounts,
		Privileged:    false,
		CapDrop:       []string{"ALL"},
		SecurityOpt:   []string{"no-new-privileges"},
		Init:          &withInit,
		RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyDisabled},
		LogConfig:     container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "1m", "max-file": "1"}},
		Resources:     res,
	}
	return cc, hc
}

// memoryMB is a container's memory limit in MB, for diagnostics.
func memoryMB(hc *container.HostConfig) string {
	if hc == nil || hc.Memory <= 0 {
		return "its"
	}
	return strconv.FormatInt(hc.Memory>>20, 10) + " MB"
}
