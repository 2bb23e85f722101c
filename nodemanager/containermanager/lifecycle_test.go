package containermanager

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/containers/fake"
	"github.com/goyarn/goyarn/nodemanager/internal/nmtest"
)

var script = fake.Config{ByCommand: map[string]fake.Outcome{
	"ok":    {ExitCode: 0},
	"fail":  {ExitCode: 3},
	"oom":   {ExitCode: api.ExitKilledExceededPMem, Diagnostics: "Container [pid=1,containerID=x] is running beyond physical memory limits."},
	"sleep": {RunUntilStopped: true},
}}

func TestCompletionAndAck(t *testing.T) {
	e := newEnv(t, script)
	ok := cid(t, "container_1700000000000_0001_01_000001")
	bad := cid(t, "container_1700000000000_0001_01_000002")
	oom := cid(t, "container_1700000000000_0001_01_000003")
	e.mustStart(startReq(ok, "ok"))
	e.mustStart(startReq(bad, "fail"))
	e.mustStart(startReq(oom, "oom"))
	if st := e.waitComplete(ok); st.ExitStatus != 0 {
		t.Fatalf("ok: %+v", st)
	}
	if st := e.waitComplete(bad); st.ExitStatus != 3 || !strings.Contains(st.Diagnostics, "non-zero exit code 3") {
		t.Fatalf("fail: %+v", st)
	}
	if st := e.waitComplete(oom); st.ExitStatus != api.ExitKilledExceededPMem || !strings.Contains(st.Diagnostics, "physical memory") {
		t.Fatalf("oom: %+v", st)
	}
	select {
	case <-e.m.Changed():
	default:
		t.Fatal("no change signalled for completed containers")
	}
	if ci, _ := e.m.Container(ok); ci.State != api.NMContainerExitedSuccess || ci.FinishedAt.IsZero() {
		t.Fatalf("ok info %+v", ci)
	}
	if ci, _ := e.m.Container(bad); ci.State != api.NMContainerExitedFailure {
		t.Fatalf("fail info %+v", ci)
	}

	e.m.AckCompleted([]api.ContainerID{ok, bad})
	hb := e.m.HeartbeatStatuses()
	if len(hb) != 1 || hb[0].ContainerID != oom {
		t.Fatalf("after ack, heartbeat carries %+v", hb)
	}
	// Acked containers stay listed for the REST API and re-registration.
	if n := len(e.m.Containers()); n != 3 {
		t.Fatalf("%d containers listed", n)
	}
	if n := len(e.m.RegisterStatuses()); n != 3 {
		t.Fatalf("%d containers in a registration", n)
	}
	if a, _ := e.m.App(ok.App()); a.State != api.NMAppRunning || len(a.Containers) != 3 {
		t.Fatalf("app %+v", a)
	}
}

func TestStopReasons(t *testing.T) {
	e := newEnv(t, script)
	byAM := cid(t, "container_1700000000000_0001_01_000001")
	byRM := cid(t, "container_1700000000000_0001_01_000002")
	e.mustStart(startReq(byAM, "sleep"))
	e.mustStart(startReq(byRM, "sleep"))

	resp, err := e.m.StopByAM(rpc.ContainersRequest{Tokens: []security.ContainerToken{token(byAM, "alice")}})
	if err != nil || len(resp.Stopped) != 1 {
		t.Fatalf("stop: %+v %v", resp, err)
	}
	if st := e.waitComplete(byAM); st.ExitStatus != api.ExitKilledByAppMaster || !strings.Contains(st.Diagnostics, "ApplicationMaster") {
		t.Fatalf("stopped by AM: %+v", st)
	}
	if ci, _ := e.m.Container(byAM); ci.State != api.NMContainerCleanedUpAfterKill {
		t.Fatalf("state %s", ci.State)
	}
	e.m.StopByRM([]api.ContainerID{byRM, cid(t, "container_1700000000000_0001_01_000099")})
	if st := e.waitComplete(byRM); st.ExitStatus != api.ExitKilledByResourceManager {
		t.Fatalf("stopped by RM: %+v", st)
	}

	// An expired token still stops (and queries) the container it names.
	e.clock.Advance(time.Hour)
	resp, err = e.m.StopByAM(rpc.ContainersRequest{Tokens: []security.ContainerToken{token(byAM, "alice")}})
	if err != nil || len(resp.Stopped) != 1 {
		t.Fatalf("stop of a completed container with an expired token: %+v %v", resp, err)
	}
	sts, err := e.m.Statuses(rpc.ContainersRequest{Tokens: []security.ContainerToken{token(byAM, "alice"), token(cid(t, "container_1700000000000_0001_01_000099"), "alice")}})
	if err != nil || len(sts.Statuses) != 1 || sts.Statuses[0].ExitStatus != api.ExitKilledByAppMaster || len(sts.Failed) != 1 {
		t.Fatalf("statuses %+v %v", sts, err)
	}
	// An unknown container cannot be stopped.
	resp, _ = e.m.StopByAM(rpc.ContainersRequest{Tokens: []security.ContainerToken{token(cid(t, "container_1700000000000_0001_01_000099"), "alice")}})
	if len(resp.Failed) != 1 {
		t.Fatalf("stop unknown: %+v", resp)
	}
}

func TestAppCleanupAndLogRetention(t *testing.T) {
	e := newEnv(t, script)
	done := cid(t, "container_1700000000000_0001_01_000001")
	running := cid(t, "container_1700000000000_0001_01_000002")
	other := cid(t, "container_1700000000000_0002_01_000001")
	e.mustStart(startReq(done, "ok"))
	e.mustStart(startReq(running, "sleep"))
	e.mustStart(startReq(other, "sleep"))
	e.waitComplete(done)
	ci, _ := e.m.Container(running)
	os.WriteFile(filepath.Join(ci.LogDir, "stdout"), []byte("out"), 0o644)
	appDir := filepath.Dir(ci.WorkDir)

	e.m.CleanupApps([]api.ApplicationID{running.App(), cid(t, "container_1700000000000_0009_01_000001").App()})
	if st := e.waitComplete(running); st.ExitStatus != api.ExitKilledAfterAppCompletion {
		t.Fatalf("cleanup stop: %+v", st)
	}
	if st, _ := status(e.m.HeartbeatStatuses(), done); st.ExitStatus != 0 {
		t.Fatalf("a container that had exited keeps its status: %+v", st)
	}
	nmtest.Eventually(t, "work dir removed", func() bool {
		_, err := os.Stat(appDir)
		return os.IsNotExist(err)
	})
	nmtest.Eventually(t, "containers DONE", func() bool {
		ci, _ := e.m.Container(running)
		return ci.State == api.NMContainerDone
	})
	if a, _ := e.m.App(running.App()); a.State != api.NMAppFinished {
		t.Fatalf("app state %s", a.State)
	}
	if b, err := os.ReadFile(filepath.Join(ci.LogDir, "stdout")); err != nil || string(b) != "out" {
		t.Fatalf("logs gone before retention: %v", err)
	}
	// Starting a container of a finished application fails.
	late := cid(t, "container_1700000000000_0001_01_000003")
	if resp, _ := e.m.Start(startReq(late, "ok")); len(resp.Failed) != 1 {
		t.Fatalf("start in a finished app: %+v", resp)
	}

	e.m.PurgeExpired(e.clock.Now().Add(59 * time.Minute))
	if _, err := e.m.App(running.App()); err != nil {
		t.Fatal("purged before retention ended")
	}
	e.m.PurgeExpired(e.clock.Now().Add(time.Hour))
	if _, err := e.m.App(running.App()); err == nil {
		t.Fatal("app still listed after retention")
	}
	if _, err := e.m.Container(running); err == nil {
		t.Fatal("container still listed after retention")
	}
	if _, err := os.Stat(filepath.Join(e.logs, running.App().String())); !os.IsNotExist(err) {
		t.Fatalf("logs kept after retention: %v", err)
	}
	if _, err := e.m.Container(other); err != nil {
		t.Fatal("another application was purged")
	}
	cs, as, _ := e.store.Load()
	for _, c := range cs {
		if c.ID.App() == running.App() {
			t.Fatalf("record of %s kept", c.ID)
		}
	}
	if len(as) != 0 {
		t.Fatalf("app records kept: %+v", as)
	}
}

func TestShutdown(t *testing.T) {
	for _, kill := range []bool{true, false} {
		t.Run(map[bool]string{true: "kill", false: "leave running"}[kill], func(t *testing.T) {
			e := newEnv(t, script)
			id := cid(t, "container_1700000000000_0001_01_000001")
			e.mustStart(startReq(id, "sleep"))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			e.m.Shutdown(ctx, kill)
			st, _ := e.rt.Inspect(ctx, id)
			if st.Running == kill {
				t.Fatalf("kill=%v: runtime says running=%v", kill, st.Running)
			}
			rec, _, _ := e.store.Load()
			if kill && (!rec[0].Complete || rec[0].ExitStatus != api.ExitAborted) {
				t.Fatalf("record after kill: %+v", rec[0])
			}
			if !kill && rec[0].Complete {
				t.Fatalf("record after leaving it running: %+v", rec[0])
			}
			if _, err := e.m.Start(startReq(cid(t, "container_1700000000000_0001_01_000002"), "ok")); rpc.CodeOf(err) != rpc.CodeConflict {
				t.Fatalf("start after shutdown: %v", err)
			}
		})
	}
}
