package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/client"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

const fakeImage = "goyarn/executor:latest"

var unitSeq atomic.Int64

func unitID() api.ContainerID {
	return api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 3}, Attempt: 1},
		Seq: unitSeq.Add(1)}
}

func unitSpec(t *testing.T) containers.Spec {
	return containers.Spec{ID: unitID(), Command: "exit 0", Env: map[string]string{"A": "1"},
		WorkDir: t.TempDir(), LogDir: t.TempDir(), Resource: api.Res(512, 2)}
}

func unitRuntime(t *testing.T, f *fakeAPI, mods ...func(*Config)) *Runtime {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Node, cfg.ClusterID, cfg.User = "unit-node", "unit", "1000:1000"
	cfg.RetryInterval = 5 * time.Millisecond
	for _, m := range mods {
		m(&cfg)
	}
	r, err := New(f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestStartErrorPaths(t *testing.T) {
	for _, tc := range []struct {
		name    string
		image   string
		inject  func(f *fakeAPI)
		want    error
		mention []string
		created bool // a container was created (and must be removed again)
	}{
		{name: "daemon down", image: fakeImage, inject: func(f *fakeAPI) { f.fail("ImageInspect", client.ErrorConnectionFailed("unix:///var/run/docker.sock")) },
			want: containers.ErrUnavailable, mention: []string{"Cannot connect"}},
		{name: "image missing", image: "goyarn/missing:1", want: containers.ErrInvalidSpec,
			mention: []string{`"goyarn/missing:1"`, "make images", "never pulled"}},
		{name: "create fails", image: fakeImage, inject: func(f *fakeAPI) { f.fail("ContainerCreate", errors.New("invalid mount config")) },
			mention: []string{"invalid mount config"}},
		{name: "create refused by a daemon going away", image: fakeImage,
			inject: func(f *fakeAPI) { f.fail("ContainerCreate", cerrdefs.ErrUnavailable) }, want: containers.ErrUnavailable},
		{name: "start fails", image: fakeImage, inject: func(f *fakeAPI) { f.fail("ContainerStart", errors.New("cgroup setup failed")) },
			mention: []string{"cgroup setup failed"}, created: true},
		{name: "image without /bin/sh", image: fakeImage, created: true, want: containers.ErrInvalidSpec, mention: []string{"/bin/sh"},
			inject: func(f *fakeAPI) {
				f.fail("ContainerStart", errors.New(`exec: "/bin/sh": stat /bin/sh: no such file or directory`))
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(fakeImage)
			if tc.inject != nil {
				tc.inject(f)
			}
			r := unitRuntime(t, f)
			spec := unitSpec(t)
			spec.Image = tc.image
			err := r.Start(ctxT(t), spec)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Start: %v, want %v", err, tc.want)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if n := f.count(); n != 0 {
				t.Errorf("%d containers left on the daemon", n)
			}
			if got := f.called("ContainerRemove") > 0; got != tc.created {
				t.Errorf("ContainerRemove called: %v, want %v", got, tc.created)
			}
			if _, err := r.Inspect(ctxT(t), spec.ID); !errors.Is(err, containers.ErrNotFound) {
				t.Errorf("Inspect after a failed Start: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestNameConflictIsExists(t *testing.T) {
	f := newFakeAPI(fakeImage)
	spec := unitSpec(t)
	old := unitRuntime(t, f)
	if err := old.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	r := unitRuntime(t, f) // a new runtime that did not Recover
	if err := r.Start(ctxT(t), spec); !errors.Is(err, containers.ErrExists) {
		t.Fatalf("Start of an id whose container exists: %v, want ErrExists", err)
	}
}

func TestWaitOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		code     int
		oom      bool
		stderr   string
		wantCode int
		wantDiag []string
	}{
		{name: "success", code: 0, wantCode: 0},
		{name: "failure with stderr", code: 3, stderr: "boom\n", wantCode: 3,
			wantDiag: []string{"non-zero exit code 3", "Last 4096 bytes of stderr", "boom"}},
		{name: "oom", code: 137, oom: true, wantCode: api.ExitKilledExceededPMem,
			wantDiag: []string{"beyond the 'PHYSICAL' memory limit", "512 MB", "OOMKilled", "killed for exceeding its memory limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(fakeImage)
			r := unitRuntime(t, f)
			spec := unitSpec(t)
			if tc.stderr != "" {
				if err := os.WriteFile(filepath.Join(spec.LogDir, "stderr"), []byte(tc.stderr), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Start(ctxT(t), spec); err != nil {
				t.Fatal(err)
			}
			f.exit(f.only(), tc.code, tc.oom)
			st, err := r.Wait(ctxT(t), spec.ID)
			if err != nil || st.Running || st.ExitCode != tc.wantCode {
				t.Fatalf("Wait: %+v, %v; want exit code %d", st, err, tc.wantCode)
			}
			for _, d := range tc.wantDiag {
				if !strings.Contains(st.Diagnostics, d) {
					t.Errorf("diagnostics %q lack %q", st.Diagnostics, d)
				}
			}
			if st.Pid != 4242 || st.StartedAt.IsZero() || st.FinishedAt.Before(st.StartedAt) {
				t.Errorf("status %+v: want the daemon's pid and times", st)
			}
		})
	}
}

func TestWaitErrorsAreRetriedAndRemovalIsLoss(t *testing.T) {
	f := newFakeAPI(fakeImage)
	f.waitErrs = []error{errors.New("unexpected EOF from the daemon"), client.ErrorConnectionFailed("")}
	r := unitRuntime(t, f)
	spec := unitSpec(t)
	if err := r.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	f.exit(f.only(), 5, false)
	if st, err := r.Wait(ctxT(t), spec.ID); err != nil || st.ExitCode != 5 {
		t.Fatalf("Wait after daemon errors: %+v, %v; want exit code 5", st, err)
	}
	if n := f.called("ContainerWait"); n < 3 {
		t.Errorf("ContainerWait called %d times, want retries", n)
	}
}

func TestContainerRemovedBehindTheRuntimeIsLost(t *testing.T) {
	f := newFakeAPI(fakeImage)
	r := unitRuntime(t, f)
	spec := unitSpec(t)
	if err := r.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	id := f.only()
	f.mu.Lock()
	delete(f.ctrs, id)
	close(f.exits[id])
	delete(f.exits, id)
	f.mu.Unlock()
	st, err := r.Wait(ctxT(t), spec.ID)
	if err != nil || st.ExitCode != api.ExitAborted || !strings.Contains(st.Diagnostics, "removed") {
		t.Errorf("Wait: %+v, %v; want ExitAborted saying it was removed", st, err)
	}
}

func TestStopSignals(t *testing.T) {
	f := newFakeAPI(fakeImage)
	r := unitRuntime(t, f)
	spec := unitSpec(t)
	if err := r.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(ctxT(t), spec.ID, 20*time.Millisecond); err != nil { // TERM is ignored by the fake
		t.Fatal(err)
	}
	if f.called("ContainerKill TERM") != 1 || f.called("ContainerKill KILL") != 1 {
		t.Errorf("calls %v: want one TERM, then one KILL after the grace", f.calls)
	}
	st, err := r.Wait(ctxT(t), spec.ID)
	if err != nil || st.ExitCode != 137 || !strings.Contains(st.Diagnostics, "killed on request") {
		t.Errorf("Wait after Stop: %+v, %v", st, err)
	}
	if err := r.Stop(ctxT(t), spec.ID, time.Second); err != nil { // exited: nothing to do
		t.Errorf("Stop of an exited container: %v", err)
	}
	if err := r.Remove(ctxT(t), spec.ID); err != nil || f.count() != 0 {
		t.Errorf("Remove: %v, %d containers left", err, f.count())
	}
}

func TestRemoveRunningRefused(t *testing.T) {
	f := newFakeAPI(fakeImage)
	r := unitRuntime(t, f)
	spec := unitSpec(t)
	if err := r.Start(ctxT(t), spec); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctxT(t), spec.ID); !errors.Is(err, containers.ErrRunning) {
		t.Errorf("Remove of a running container: %v, want ErrRunning", err)
	}
	f.fail("ContainerRemove", client.ErrorConnectionFailed(""))
	f.exit(f.only(), 0, false)
	if _, err := r.Wait(ctxT(t), spec.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctxT(t), spec.ID); !errors.Is(err, containers.ErrUnavailable) {
		t.Errorf("Remove with the daemon down: %v, want ErrUnavailable", err)
	}
	if _, err := r.Inspect(ctxT(t), spec.ID); err != nil {
		t.Errorf("a container whose removal failed must stay known: %v", err)
	}
}
