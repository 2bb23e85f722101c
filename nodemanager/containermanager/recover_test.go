package containermanager

import (
	"context"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

func TestRecover(t *testing.T) {
	e := newEnv(t, script)
	survivor := cid(t, "container_1700000000000_0001_01_000001")
	exitsMeanwhile := cid(t, "container_1700000000000_0001_01_000002")
	finished := cid(t, "container_1700000000000_0001_01_000003")
	stopping := cid(t, "container_1700000000000_0001_01_000004")
	e.mustStart(startReq(survivor, "sleep"))
	e.mustStart(startReq(exitsMeanwhile, "sleep"))
	e.mustStart(startReq(stopping, "sleep"))
	e.mustStart(startReq(finished, "fail"))
	e.waitComplete(finished)
	e.m.AckCompleted([]api.ContainerID{finished})

	// The NM goes away (kill -9: nothing is stopped) after asking one
	// container to stop, before the runtime acted on it.
	e.m.Shutdown(context.Background(), false)
	e.m.mu.Lock()
	rec := e.m.containers[stopping].rec
	e.m.mu.Unlock()
	rec.StopStatus, rec.State = api.ExitKilledByResourceManager, api.NMContainerKilling
	if err := e.store.PutContainer(rec); err != nil {
		t.Fatal(err)
	}
	// A record the runtime no longer knows (its container vanished), and one
	// that never got past localization.
	vanished := cid(t, "container_1700000000000_0001_01_000005")
	unstarted := cid(t, "container_1700000000000_0001_01_000006")
	e.store.PutContainer(nmstate.Container{ID: vanished, User: "alice", State: api.NMContainerRunning, ExitStatus: api.ExitInvalid})
	e.store.PutContainer(nmstate.Container{ID: unstarted, User: "alice", State: api.NMContainerLocalizing, ExitStatus: api.ExitInvalid})

	rt2 := e.rt.Restart()
	// A container the runtime holds but no record names.
	orphan := cid(t, "container_1700000000000_0009_01_000001")
	rt2.Survive(containers.Status{ID: orphan, Running: true}, fake.Outcome{RunUntilStopped: true})

	m2 := e.newManager(rt2)
	e.m = m2
	if err := m2.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}

	reg := m2.RegisterStatuses()
	if len(reg) != 6 {
		t.Fatalf("registration carries %d containers: %+v", len(reg), reg)
	}
	if st, _ := status(reg, survivor); st.State != api.RunRunning {
		t.Fatalf("survivor %+v", st)
	}
	if st, _ := status(reg, finished); st.State != api.RunComplete || st.ExitStatus != 3 {
		t.Fatalf("finished %+v", st)
	}
	if st, _ := status(m2.HeartbeatStatuses(), finished); st.ContainerID == finished {
		t.Fatal("an acknowledged container is reported in heartbeats again")
	}
	if st := e.waitComplete(vanished); st.ExitStatus != api.ExitAborted {
		t.Fatalf("vanished %+v", st)
	}
	if st := e.waitComplete(unstarted); st.ExitStatus != api.ExitInvalid {
		t.Fatalf("unstarted %+v", st)
	}
	if st := e.waitComplete(stopping); st.ExitStatus != api.ExitKilledByResourceManager {
		t.Fatalf("interrupted stop %+v", st)
	}
	nmtest.Eventually(t, "orphan stopped", func() bool {
		for _, id := range rt2.Stopped() {
			if id == orphan {
				return true
			}
		}
		return false
	})

	// Re-attached containers report their outcome as usual.
	if err := rt2.Exit(exitsMeanwhile, 7, ""); err != nil {
		t.Fatal(err)
	}
	if st := e.waitComplete(exitsMeanwhile); st.ExitStatus != 7 {
		t.Fatalf("exit after recovery %+v", st)
	}
	// Replay protection covers recovered ids.
	if resp, _ := m2.Start(startReq(survivor, "sleep")); len(resp.Failed) != 1 {
		t.Fatalf("replay of a recovered id: %+v", resp)
	}
	// The survivor can still be stopped.
	m2.StopByRM([]api.ContainerID{survivor})
	if st := e.waitComplete(survivor); st.ExitStatus != api.ExitKilledByResourceManager {
		t.Fatalf("survivor stop %+v", st)
	}
}

func TestRecoverFinishedApp(t *testing.T) {
	e := newEnv(t, script)
	id := cid(t, "container_1700000000000_0001_01_000001")
	e.mustStart(startReq(id, "ok"))
	e.waitComplete(id)
	e.m.CleanupApps([]api.ApplicationID{id.App()})
	nmtest.Eventually(t, "DONE", func() bool { ci, _ := e.m.Container(id); return ci.State == api.NMContainerDone })
	e.m.Shutdown(context.Background(), false)

	m2 := e.newManager(e.rt.Restart())
	if err := m2.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a, err := m2.App(id.App()); err != nil || a.State != api.NMAppFinished {
		t.Fatalf("app after recovery %+v %v", a, err)
	}
	m2.PurgeExpired(t0.Add(time.Hour))
	if _, err := m2.App(id.App()); err == nil {
		t.Fatal("retention not kept across the restart")
	}
}
