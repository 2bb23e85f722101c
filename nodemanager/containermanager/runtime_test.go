package containermanager

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

// TestSpecCarriesRuntimeChoice: the launch environment's runtime type and
// image reach the runtime, and so do the application's local dirs.
func TestSpecCarriesRuntimeChoice(t *testing.T) {
	e := newEnv(t, script)
	id := cid(t, "container_1700000000000_0001_01_000001")
	req := rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{
		Token: token(id, "alice"),
		Launch: api.LaunchContext{Commands: []string{"ok"}, Environment: map[string]string{
			api.EnvRuntimeType: "docker", api.EnvRuntimeDockerImg: "goyarn/executor:1"}},
	}}}
	e.mustStart(req)
	started := e.rt.Started()
	if len(started) != 1 {
		t.Fatalf("started %+v", started)
	}
	s := started[0]
	appDir := filepath.Join(e.local, "usercache", "alice", "appcache", id.App().String())
	if s.Image != "goyarn/executor:1" || s.Env[api.EnvRuntimeType] != "docker" || len(s.AppDirs) != 1 || s.AppDirs[0] != appDir ||
		s.Env[api.EnvLocalDirs] != appDir {
		t.Errorf("spec image %q, type %q, app dirs %v (LOCAL_DIRS %q); want the launch environment's and %s",
			s.Image, s.Env[api.EnvRuntimeType], s.AppDirs, s.Env[api.EnvLocalDirs], appDir)
	}
}

// TestRecoverRemovesCompletedLeftovers: a container whose record is complete
// but which its runtime still holds (the NM died between the two) is removed
// from the runtime at recovery, so no Docker container leaks.
func TestRecoverRemovesCompletedLeftovers(t *testing.T) {
	e := newEnv(t, script)
	id := cid(t, "container_1700000000000_0001_01_000001")
	e.m.Shutdown(context.Background(), false)
	if err := e.store.PutContainer(nmstate.Container{ID: id, User: "alice", State: api.NMContainerExitedSuccess,
		Complete: true, ExitStatus: 0}); err != nil {
		t.Fatal(err)
	}
	rt := fake.New(fake.Config{})
	rt.Survive(containers.Status{ID: id, ExitCode: 0}, fake.Outcome{})
	e.m = e.newManager(rt)
	if err := e.m.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	nmtest.Eventually(t, "the leftover removed from the runtime", func() bool {
		_, err := rt.Inspect(context.Background(), id)
		return errors.Is(err, containers.ErrNotFound)
	})
}

// TestRecoverReportsExitedMeanwhileAtOnce: a container that exited while the
// NM was down is complete, with its exit code, as soon as Recover returns —
// in the registration that follows, not a heartbeat later.
func TestRecoverReportsExitedMeanwhileAtOnce(t *testing.T) {
	e := newEnv(t, script)
	id := cid(t, "container_1700000000000_0001_01_000001")
	e.mustStart(startReq(id, "sleep"))
	e.m.Shutdown(context.Background(), false)
	if err := e.rt.Exit(id, 3, ""); err != nil {
		t.Fatal(err)
	}
	rt2 := e.rt.Restart()
	e.m = e.newManager(rt2)
	if err := e.m.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st, ok := status(e.m.RegisterStatuses(), id); !ok || st.State != api.RunComplete || st.ExitStatus != 3 {
		t.Fatalf("registration right after Recover: %+v, want COMPLETE with 3", st)
	}
	if _, err := rt2.Inspect(context.Background(), id); !errors.Is(err, containers.ErrNotFound) {
		t.Errorf("the exited container is still held by the runtime: %v", err)
	}
}
