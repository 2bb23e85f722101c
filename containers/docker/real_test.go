package docker

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/docker/dockertest"
)

func TestOOMKillIsExceededPMem(t *testing.T) {
	r := realRuntime(t, newNode())
	spec := withProbe(t, realSpec(t, "./probe alloc 256"))
	spec.Resource = api.Res(48, 1)
	if err := r.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := r.Wait(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.ExitCode != api.ExitKilledExceededPMem {
		t.Fatalf("exit code %d (diagnostics %q), want %d", st.ExitCode, st.Diagnostics, api.ExitKilledExceededPMem)
	}
	for _, want := range []string{"beyond the 'PHYSICAL' memory limit", "48 MB", "killed for exceeding its memory limit", spec.ID.String()} {
		if !strings.Contains(st.Diagnostics, want) {
			t.Errorf("diagnostics %q lack %q", st.Diagnostics, want)
		}
	}
}

// TestRefusalsCreateNothing: a refused container leaves nothing on the
// daemon, and the error says why.
func TestRefusalsCreateNothing(t *testing.T) {
	node := newNode()
	r := realRuntime(t, node)
	for _, tc := range []struct {
		name  string
		image string
		env   map[string]string
		want  string
	}{
		{name: "privileged", env: map[string]string{EnvPrivileged: "true"}, want: "privileged containers are never allowed"},
		{name: "image outside the allowlist", image: "busybox:latest", want: `image "busybox:latest" is not allowed`},
		{name: "network not allowed", env: map[string]string{EnvNetwork: "container:other"}, want: `network "container:other" is not allowed`},
		{name: "extra mounts", env: map[string]string{EnvMounts: "/:/host:rw"}, want: "is not allowed on this node"},
		{name: "image not built", image: "goyarn/not-built:1", want: "make images"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := realSpec(t, "exit 0")
			spec.Image = tc.image
			for k, v := range tc.env {
				spec.Env[k] = v
			}
			err := r.Start(ctxT(t), spec)
			if !errors.Is(err, containers.ErrInvalidSpec) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Start: %v; want ErrInvalidSpec saying %q", err, tc.want)
			}
			left, lerr := dockertest.Leftovers(ctxT(t), dkEnv.Client, LabelNode, node)
			if lerr != nil || len(left) > 0 {
				t.Fatalf("containers on the daemon after a refusal: %v %v", left, lerr)
			}
		})
	}
}

// TestExitWhileNoRuntimeWatches: a container that ends while its runtime is
// gone (the NM killed) is reported by the next runtime with its exit code.
func TestExitWhileNoRuntimeWatches(t *testing.T) {
	node := newNode()
	old := realRuntime(t, node)
	spec := realSpec(t, "sleep 1; exit 7")
	if err := old.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the container to exit", 30*time.Second, func() bool {
		info, err := dkEnv.Client.ContainerInspect(ctxT(t), containerName(node, spec.ID))
		return err == nil && !info.State.Running
	})
	r := realRuntime(t, node)
	sts, err := r.Recover(ctxT(t))
	if err != nil || len(sts) != 1 || sts[0].ID != spec.ID || sts[0].Running || sts[0].ExitCode != 7 {
		t.Fatalf("Recover: %+v, %v; want %s exited with 7", sts, err, spec.ID)
	}
	if err := r.Remove(ctxT(t), spec.ID); err != nil {
		t.Fatal(err)
	}
}

// TestContainerSees checks the environment, user, capabilities, mounts and
// limits from inside the container.
func TestContainerSees(t *testing.T) {
	r := realRuntime(t, newNode())
	spec := realSpec(t, `env > env.out; cat /proc/self/status > status.out
echo changed > app.bin && echo binary-writable; echo new > new-file && echo workdir-writable
ls / > root.out; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max > limits.out 2>/dev/null
exit 0`)
	spec.Env = map[string]string{"PATH": "/bin", "HOME": spec.WorkDir, "PWD": spec.WorkDir, "X": "a b 'c'"}
	if err := os.WriteFile(filepath.Join(spec.WorkDir, "app.bin"), []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	if st, err := r.Wait(ctxT(t), spec.ID); err != nil || st.ExitCode != 0 {
		t.Fatalf("Wait: %+v, %v (stderr %q)", st, err, readLog(t, spec, "stderr"))
	}
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(spec.WorkDir, name))
		if err != nil {
			t.Fatalf("%s: %v (stderr %q)", name, err, readLog(t, spec, "stderr"))
		}
		return string(data)
	}
	env := strings.Split(strings.TrimSpace(read("env.out")), "\n")
	sort.Strings(env)
	want := []string{"HOME=" + spec.WorkDir, "PATH=/bin", "PWD=" + spec.WorkDir, "X=a b 'c'"}
	if strings.Join(env, "\n") != strings.Join(want, "\n") {
		t.Errorf("environment %q, want exactly %q", env, want)
	}
	status := read("status.out")
	uid := strings.Split(DefaultConfig().User, ":")[0]
	for _, w := range []string{"Uid:\t" + uid, "CapEff:\t0000000000000000", "NoNewPrivs:\t1"} {
		if !strings.Contains(status, w) {
			t.Errorf("/proc/self/status %q lacks %q", status, w)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(spec.WorkDir, "app.bin")); string(data) != "binary" {
		t.Errorf("the localized file was changed to %q: it must be read-only", data)
	}
	if out := readLog(t, spec, "stdout"); strings.Contains(out, "binary-writable") || !strings.Contains(out, "workdir-writable") {
		t.Errorf("stdout %q: want the work dir writable and the localized file not", out)
	}
	root := strings.Fields(read("root.out"))
	for _, d := range root {
		// sbin holds the daemon's init (docker-init), mounted by the daemon itself.
		if !map[string]bool{"bin": true, "dev": true, "etc": true, "proc": true, "sys": true, "tmp": true, "sbin": true}[d] {
			t.Errorf("/ holds %q: the image and the host must add nothing else at the top", d)
		}
	}
	if limits := strings.Fields(read("limits.out")); len(limits) == 2 && (limits[0] != "134217728" || limits[1] != "4096") {
		t.Errorf("cgroup limits %v, want memory 128 MB and 4096 pids", limits)
	}
}

// TestStartToRunning measures, on the real daemon, how long Start takes
// until the command runs, and how long from Start until a process in the
// container reaches a socket the host listens on (host network).
func TestStartToRunning(t *testing.T) {
	r := realRuntime(t, newNode())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan time.Time, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- time.Now()
			c.Close()
		}
	}()
	spec := withProbe(t, realSpec(t, "./probe dial "+ln.Addr().String()))
	t0 := time.Now()
	if err := r.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	started := time.Since(t0)
	select {
	case at := <-accepted:
		t.Logf("Start returned (command running) after %v; the container's process reached the host's socket %v after Start was called",
			started.Round(time.Millisecond), at.Sub(t0).Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Fatalf("the container never connected (stderr %q)", readLog(t, spec, "stderr"))
	}
	if st, err := r.Wait(ctxT(t), spec.ID); err != nil || st.ExitCode != 0 {
		t.Errorf("Wait: %+v, %v", st, err)
	}
}

// BenchmarkStartToRunning is the time from Start to the command running,
// plus waiting for it to exit and removing it.
func BenchmarkStartToRunning(b *testing.B) {
	dkEnv.Skip(b)
	cfg := DefaultConfig()
	cfg.Node, cfg.ClusterID, cfg.DefaultImage = newNode(), runLabel, dkEnv.Image
	r, err := New(dkEnv.Client, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	var running time.Duration
	for i := 0; i < b.N; i++ {
		spec := containers.Spec{ID: api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, Attempt: 1},
			Seq: int64(i + 1)}, Command: "exit 0", WorkDir: b.TempDir(), LogDir: b.TempDir(), Resource: api.Res(64, 1)}
		t0 := time.Now()
		if err := r.Start(ctx, spec); err != nil {
			b.Fatal(err)
		}
		running += time.Since(t0)
		if _, err := r.Wait(ctx, spec.ID); err != nil {
			b.Fatal(err)
		}
		if err := r.Remove(ctx, spec.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(running.Milliseconds())/float64(b.N), "ms-to-running/op")
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition under a deadline
	}
}
