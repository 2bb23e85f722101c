package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/goyarn/goyarn/containers/docker"
	"github.com/goyarn/goyarn/containers/routing"
	"github.com/goyarn/goyarn/nodemanager"
)

func runtimeConfig(t *testing.T, mode, dockerHost string) nodemanager.Config {
	cfg := nodemanager.DefaultConfig()
	cfg.StateDir = filepath.Join(t.TempDir(), "state")
	cfg.ContainerRuntime, cfg.DockerHost = mode, dockerHost
	return cfg
}

// chosen builds the runtime for cfg and returns its name, default type and
// the reason logged.
func chosen(t *testing.T, cfg nodemanager.Config) (name, def, why string, err error) {
	t.Helper()
	core, logs := observer.New(zap.InfoLevel)
	rt, closeRT, err := newRuntime(context.Background(), cfg, zap.New(core))
	if err != nil {
		return "", "", "", err
	}
	defer closeRT()
	for _, e := range logs.FilterMessage("container runtime chosen").All() {
		why = e.ContextMap()["why"].(string)
	}
	return rt.Name(), rt.(*routing.Runtime).Default(), why, nil
}

func TestRuntimeSelectionWithoutDocker(t *testing.T) {
	down := "unix://" + filepath.Join(t.TempDir(), "no-daemon.sock")
	if name, def, _, err := chosen(t, runtimeConfig(t, nodemanager.RuntimeProcess, down)); err != nil || name != "process" || def != routing.TypeDefault {
		t.Errorf("process: %s %s %v", name, def, err)
	}
	name, def, why, err := chosen(t, runtimeConfig(t, nodemanager.RuntimeAuto, down))
	if err != nil || name != "process" || def != routing.TypeDefault || !strings.Contains(why, "docker daemon not reachable") {
		t.Errorf("auto without a daemon: %s %s %q %v; want process, saying why", name, def, why, err)
	}
	if _, _, _, err := chosen(t, runtimeConfig(t, nodemanager.RuntimeDocker, down)); err == nil ||
		!strings.Contains(err.Error(), "--container-runtime docker") {
		t.Errorf("docker without a daemon: %v, want an error", err)
	}
}

func TestRuntimeSelectionWithDocker(t *testing.T) {
	cli, err := docker.NewClient("")
	if err == nil {
		err = docker.Ping(context.Background(), cli)
		cli.Close()
	}
	if err != nil {
		t.Skipf("docker: daemon not reachable (%v): skipping", err)
	}
	missing := func(mode string) nodemanager.Config {
		cfg := runtimeConfig(t, mode, "")
		cfg.DockerDefaultImage = "goyarn/never-built:0"
		return cfg
	}
	name, def, why, err := chosen(t, missing(nodemanager.RuntimeAuto))
	if err != nil || name != "process+docker" || def != routing.TypeDefault || !strings.Contains(why, "goyarn/never-built:0 is not built") {
		t.Errorf("auto, image missing: %s %s %q %v; want process by default, docker on request", name, def, why, err)
	}
	name, def, _, err = chosen(t, missing(nodemanager.RuntimeDocker))
	if err != nil || name != "docker+process" || def != routing.TypeDocker {
		t.Errorf("docker, image missing: %s %s %v; want docker by default", name, def, err)
	}
}

func TestDockerNodeLabel(t *testing.T) {
	cfg := nodemanager.DefaultConfig()
	cfg.Hostname, cfg.RPCAddress, cfg.StateDir = "h1", "127.0.0.1:0", "/var/nm state"
	a := dockerNode(cfg)
	cfg.RPCAddress = "127.0.0.1:8040" // restarted on a fixed port: the same NM
	if b := dockerNode(cfg); b != a {
		t.Errorf("the label changed with the RPC address: %q, then %q", a, b)
	}
	cfg.StateDir = "/var/other"
	if b := dockerNode(cfg); !strings.HasPrefix(a, "h1:state-") || a == b || strings.Contains(a, " ") {
		t.Errorf("%q and %q; want one label per state dir", a, b)
	}
}
