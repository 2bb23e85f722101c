package routing

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/containers/process"
	"github.com/goyarn/goyarn/containers/runtimetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func processRuntime(t *testing.T, dir string) *process.Runtime {
	t.Helper()
	cfg := process.DefaultConfig()
	cfg.StateDir = dir
	cfg.ExitPollInterval = 10 * time.Millisecond
	rt, err := process.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func router(t *testing.T, def string, rts map[string]containers.Runtime) *Runtime {
	t.Helper()
	r, err := New(Config{Runtimes: rts, Default: def})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// withDir is a router whose process runtime keeps its state in dir.
type withDir struct {
	*Runtime
	dir string
}

func processRouter(t *testing.T, dir string) withDir {
	return withDir{router(t, TypeDefault, map[string]containers.Runtime{
		TypeDefault: processRuntime(t, dir), TypeDocker: fake.New(fake.Config{})}), dir}
}

// TestContract runs the runtime contract through the router, its default
// being the process runtime (with a fake docker beside it).
func TestContract(t *testing.T) {
	runtimetest.Run(t,
		func(t *testing.T) containers.Runtime { return processRouter(t, t.TempDir()) },
		runtimetest.WithRestart(func(t *testing.T, old containers.Runtime) containers.Runtime {
			o := old.(withDir)
			if err := o.Close(); err != nil {
				t.Fatal(err)
			}
			return processRouter(t, o.dir)
		}))
}

func spec(t *testing.T, seq int64, runtimeType string) containers.Spec {
	env := map[string]string{}
	if runtimeType != "" {
		env[api.EnvRuntimeType] = runtimeType
	}
	return containers.Spec{
		ID:      api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, Attempt: 1}, Seq: seq},
		Command: "exit 0", Env: env, WorkDir: t.TempDir(), LogDir: t.TempDir(),
	}
}

func TestDispatch(t *testing.T) {
	ctx := context.Background()
	docker, proc := fake.New(fake.Config{Default: fake.Outcome{RunUntilStopped: true}}), fake.New(fake.Config{Default: fake.Outcome{RunUntilStopped: true}})
	r := router(t, TypeDocker, map[string]containers.Runtime{TypeDocker: docker, TypeDefault: proc})
	for i, tc := range []struct {
		typ  string
		want *fake.Runtime
	}{{"", docker}, {"docker", docker}, {"DOCKER", docker}, {"default", proc}} {
		s := spec(t, int64(i+1), tc.typ)
		if err := r.Start(ctx, s); err != nil {
			t.Fatalf("type %q: %v", tc.typ, err)
		}
		if got := tc.want.Started(); len(got) == 0 || got[len(got)-1].ID != s.ID {
			t.Errorf("type %q went to the wrong runtime", tc.typ)
		}
		if err := r.Stop(ctx, s.ID, time.Second); err != nil {
			t.Errorf("Stop: %v", err)
		}
		if st, err := r.Wait(ctx, s.ID); err != nil || st.Running {
			t.Errorf("Wait: %+v, %v", st, err)
		}
		if err := r.Remove(ctx, s.ID); err != nil {
			t.Errorf("Remove: %v", err)
		}
		if _, err := r.Inspect(ctx, s.ID); !errors.Is(err, containers.ErrNotFound) {
			t.Errorf("Inspect after Remove: %v", err)
		}
	}
	bad := spec(t, 10, "runc")
	if err := r.Start(ctx, bad); !errors.Is(err, containers.ErrInvalidSpec) || !strings.Contains(err.Error(), "default and docker") {
		t.Errorf("unknown type: %v", err)
	}
	if r.Name() != "fake+fake" || r.Default() != TypeDocker {
		t.Errorf("Name %q, Default %q", r.Name(), r.Default())
	}
}

func TestProcessNodeRefusesDocker(t *testing.T) {
	r := router(t, TypeDefault, map[string]containers.Runtime{TypeDefault: fake.New(fake.Config{})})
	err := r.Start(context.Background(), spec(t, 1, TypeDocker))
	if !errors.Is(err, containers.ErrInvalidSpec) || !strings.Contains(err.Error(), "YARN_CONTAINER_RUNTIME_TYPE=docker is not available") ||
		!strings.Contains(err.Error(), "runs default containers") {
		t.Errorf("docker on a process node: %v", err)
	}
}

func TestRecoverAsksEveryRuntime(t *testing.T) {
	ctx := context.Background()
	docker, proc := fake.New(fake.Config{}), fake.New(fake.Config{})
	a, b := spec(t, 1, ""), spec(t, 2, "")
	docker.Survive(containers.Status{ID: a.ID, Running: true, Pid: 1}, fake.Outcome{RunUntilStopped: true})
	proc.Survive(containers.Status{ID: b.ID, ExitCode: 3}, fake.Outcome{})
	r := router(t, TypeDocker, map[string]containers.Runtime{TypeDocker: docker, TypeDefault: proc})
	got, err := r.Recover(ctx)
	if err != nil || len(got) != 2 || got[0].ID != a.ID || !got[0].Running || got[1].ID != b.ID || got[1].ExitCode != 3 {
		t.Fatalf("Recover: %+v, %v", got, err)
	}
	if err := r.Stop(ctx, a.ID, 0); err != nil {
		t.Errorf("Stop of a recovered docker container: %v", err)
	}
	if got := docker.Stopped(); len(got) != 1 || got[0] != a.ID {
		t.Errorf("docker runtime stopped %v", got)
	}
	if err := r.Start(ctx, spec(t, 2, TypeDocker)); !errors.Is(err, containers.ErrExists) {
		t.Errorf("Start of an id another runtime holds: %v, want ErrExists", err)
	}
}
