package docker

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/client"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

func TestCheckRequest(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Node = "n"
	for _, tc := range []struct {
		name    string
		image   string
		env     map[string]string
		want    request
		refused []string // each must appear in the error; none means allowed
	}{
		{name: "defaults", want: request{image: "goyarn/executor:latest", network: "host"}},
		{name: "allowed image and network", image: "goyarn/mine:2", env: map[string]string{EnvNetwork: "bridge"},
			want: request{image: "goyarn/mine:2", network: "bridge"}},
		{name: "hostname off the host network", env: map[string]string{EnvNetwork: "none", EnvContainerHostname: "exec-1"},
			want: request{image: "goyarn/executor:latest", network: "none", hostname: "exec-1"}},
		{name: "privileged=false is fine", env: map[string]string{EnvPrivileged: "false"},
			want: request{image: "goyarn/executor:latest", network: "host"}},
		{name: "image outside the allowlist", image: "busybox:latest", refused: []string{`"busybox:latest"`, "goyarn/", "--docker-allowed-images"}},
		{name: "registry prefix does not sneak in", image: "evil.io/goyarn/x", refused: []string{"not allowed"}},
		{name: "privileged", env: map[string]string{EnvPrivileged: "true"}, refused: []string{"privileged", EnvPrivileged}},
		{name: "network not allowed", env: map[string]string{EnvNetwork: "container:abc"}, refused: []string{`"container:abc"`, "host, none, bridge"}},
		{name: "mounts refused by default", env: map[string]string{EnvMounts: "/etc:/host-etc:ro"}, refused: []string{"/etc:/host-etc:ro", "not allowed", "--docker-allowed-mounts"}},
		{name: "tmpfs", env: map[string]string{EnvTmpfsMounts: "/scratch"}, refused: []string{EnvTmpfsMounts}},
		{name: "host pid", env: map[string]string{EnvPidNamespace: "host"}, refused: []string{"PID namespace"}},
		{name: "image command", env: map[string]string{EnvRunOverride: "true"}, refused: []string{"image's own command"}},
		{name: "ports", env: map[string]string{EnvPortsMapping: "8080:80"}, refused: []string{"port mappings"}},
		{name: "hostname on host network", env: map[string]string{EnvContainerHostname: "x"}, refused: []string{"host network"}},
		{name: "every reason at once", image: "alpine", env: map[string]string{EnvPrivileged: "true", EnvNetwork: "macvlan"},
			refused: []string{"alpine", "privileged", "macvlan"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := containers.Spec{ID: unitID(), Image: tc.image, Env: tc.env}
			got, err := checkRequest(cfg, spec)
			if len(tc.refused) == 0 {
				if err != nil || !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("checkRequest: %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			if !errors.Is(err, containers.ErrInvalidSpec) {
				t.Fatalf("checkRequest: %v, want ErrInvalidSpec", err)
			}
			for _, r := range tc.refused {
				if !strings.Contains(err.Error(), r) {
					t.Errorf("error %q does not mention %q", err, r)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	good := DefaultConfig()
	good.Node = "127.0.0.1:8040"
	if err := good.Validate(); err != nil {
		t.Fatalf("defaults with a node: %v", err)
	}
	bad := Config{Node: "has space", ClusterID: "a b", DefaultImage: "busybox", AllowedImages: []string{"goyarn/", " "},
		Network: "weird", AllowedNetworks: []string{"host"}, User: "nobody"}
	err := bad.Validate()
	for _, want := range []string{"Node", "ClusterID", "white space", "DefaultImage", "Network", "User", "PidsLimit", "ReadyTimeout", "RetryInterval"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v; want a problem with %s", err, want)
		}
	}
}

func TestContainerConfig(t *testing.T) {
	f := newFakeAPI()
	r := unitRuntime(t, f, func(c *Config) { c.CPUQuota = true; c.PidsLimit = 99 })
	work, logs, app := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "app-binary"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(work, "archive"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(work, "link")); err != nil {
		t.Fatal(err)
	}
	spec := containers.Spec{ID: unitID(), Command: "./app-binary 1>x", Env: map[string]string{"B": "2", "A": "it's"},
		WorkDir: work, LogDir: logs, AppDirs: []string{app}, Resource: api.Res(300, 1), Labels: map[string]string{"goyarn.user": "alice"}}
	mounts, err := mountsFor(spec)
	if err != nil {
		t.Fatal(err)
	}
	cc, hc := r.containerConfig(spec, request{image: "goyarn/executor:latest", network: "host"}, mounts)

	if !slices.Equal(cc.Env, []string{"A=it's", "B=2"}) || cc.WorkingDir != work || cc.User != "1000:1000" {
		t.Errorf("env %v, dir %q, user %q", cc.Env, cc.WorkingDir, cc.User)
	}
	if len(cc.Entrypoint) != 3 || cc.Entrypoint[0] != "/bin/sh" || !strings.Contains(cc.Entrypoint[2], "eval './app-binary 1>x'") ||
		!strings.Contains(cc.Entrypoint[2], "unset HOSTNAME") || len(cc.Cmd) != 0 {
		t.Errorf("entrypoint %q, cmd %q", cc.Entrypoint, cc.Cmd)
	}
	for k, v := range map[string]string{LabelNode: "unit-node", LabelCluster: "unit", LabelApp: spec.ID.App().String(),
		LabelContainer: spec.ID.String(), LabelLogDir: logs, "goyarn.user": "alice"} {
		if cc.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, cc.Labels[k], v)
		}
	}
	if hc.Privileged || !slices.Equal(hc.CapDrop, []string{"ALL"}) || len(hc.CapAdd) != 0 ||
		!slices.Equal(hc.SecurityOpt, []string{"no-new-privileges"}) || hc.NetworkMode != "host" || hc.Init == nil || !*hc.Init {
		t.Errorf("security: %+v", hc)
	}
	if hc.Memory != 300<<20 || hc.MemorySwap != hc.Memory || hc.CPUShares != 1024 || hc.NanoCPUs != 1e9 || *hc.PidsLimit != 99 {
		t.Errorf("limits: memory %d swap %d shares %d nano %d pids %d", hc.Memory, hc.MemorySwap, hc.CPUShares, hc.NanoCPUs, *hc.PidsLimit)
	}
	want := map[string]bool{work: false, logs: false, app: false,
		filepath.Join(work, "app-binary"): true, filepath.Join(work, "archive"): true}
	if len(hc.Mounts) != len(want) || len(hc.Binds) != 0 || len(hc.VolumesFrom) != 0 {
		t.Fatalf("mounts %+v, want exactly %v", hc.Mounts, want)
	}
	for _, m := range hc.Mounts {
		ro, ok := want[m.Source]
		if !ok || m.Target != m.Source || m.ReadOnly != ro || m.Type != mount.TypeBind {
			t.Errorf("mount %+v: want %s at its own path, read-only %v", m, m.Source, ro)
		}
	}
	spec.AppDirs = []string{"relative/dir"}
	if _, err := mountsFor(spec); !errors.Is(err, containers.ErrInvalidSpec) {
		t.Errorf("a relative app dir: %v, want ErrInvalidSpec", err)
	}
}

func TestRecoverWithFake(t *testing.T) {
	f := newFakeAPI(fakeImage)
	old := unitRuntime(t, f)
	running, exited := unitSpec(t), unitSpec(t)
	for _, s := range []containers.Spec{running, exited} {
		if err := old.Start(ctxT(t), s); err != nil {
			t.Fatal(err)
		}
	}
	other := unitRuntime(t, f, func(c *Config) { c.Node = "another-node" })
	foreign := unitSpec(t)
	if err := other.Start(ctxT(t), foreign); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	f.exit(f.idOf(exited.ID), 9, false)
	r := unitRuntime(t, f)
	got, err := r.Recover(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != running.ID || !got[0].Running || got[1].ID != exited.ID || got[1].ExitCode != 9 {
		t.Fatalf("Recover: %+v; want the running one and the one that exited with 9, not the other node's", got)
	}
	f.fail("ContainerList", client.ErrorConnectionFailed(""))
	if _, err := r.Recover(ctxT(t)); !errors.Is(err, containers.ErrUnavailable) {
		t.Errorf("Recover with the daemon down: %v, want ErrUnavailable", err)
	}
}

// A container may ask for a mount only of a directory the node allows, and
// read-write only where the allowlist says so.
func TestMountAllowlist(t *testing.T) {
	data := t.TempDir()
	out := filepath.Join(data, "out")
	os.MkdirAll(out, 0o755)
	cfg := DefaultConfig()
	cfg.Node = "n"
	cfg.AllowedMounts = []string{data + ":ro", out + ":rw"}
	for _, tc := range []struct {
		req     string
		refused string
		want    []mount.Mount
	}{
		{req: data + ":" + data, want: []mount.Mount{{Source: data, Target: data, ReadOnly: true}}},
		{req: out + ":/out:rw", want: []mount.Mount{{Source: out, Target: "/out"}}},
		{req: data + ":/d:rw", refused: "not allowed"},
		{req: "/etc:/etc", refused: "not allowed"},
		{req: data + "/../..:/x", refused: "not allowed"}, // resolves outside the allowed dir
		{req: "relative:/x", refused: "absolute"},
		{req: data + ":/", refused: "absolute"},
		{req: data + ":/x:rwx", refused: "src:dst"},
		{req: data + "/missing:/x", refused: "missing"},
	} {
		got, err := checkRequest(cfg, containers.Spec{ID: unitID(), Env: map[string]string{EnvMounts: tc.req}})
		if tc.refused != "" {
			if !errors.Is(err, containers.ErrInvalidSpec) || !strings.Contains(err.Error(), tc.refused) {
				t.Errorf("%s: err %v, want a refusal mentioning %q", tc.req, err, tc.refused)
			}
			continue
		}
		if err != nil || len(got.mounts) != len(tc.want) {
			t.Fatalf("%s: %+v %v", tc.req, got.mounts, err)
		}
		for i, m := range got.mounts {
			if m.Source != tc.want[i].Source || m.Target != tc.want[i].Target || m.ReadOnly != tc.want[i].ReadOnly || m.Type != mount.TypeBind {
				t.Errorf("%s: mount %+v, want %+v", tc.req, m, tc.want[i])
			}
		}
	}
}
