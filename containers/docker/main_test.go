package docker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/containers/docker/dockertest"
	"github.com/goyarn/goyarn/containers/runtimetest"
)

// The real daemon and what TestMain built for the tests that use it.
var (
	dkEnv    dockertest.Env
	probeBin string // the static probe helper (internal/probe)
	// runLabel is the goyarn.cluster label of every container these tests
	// start: after the run none may be left.
	runLabel = fmt.Sprintf("runtimetest-%d-%d", os.Getpid(), time.Now().UnixNano())
	nodeSeq  atomic.Int64
)

func TestMain(m *testing.M) {
	ctx := context.Background()
	dkEnv = dockertest.Prepare(ctx)
	var tmp string
	switch {
	case dkEnv.Unreachable != nil:
		fmt.Printf("docker: daemon not reachable (%v): skipping\n", dkEnv.Unreachable)
	case dkEnv.SetupErr == nil:
		if dkEnv.BuildTime > 0 {
			fmt.Printf("docker: built %s in %v\n", dkEnv.Image, dkEnv.BuildTime.Round(time.Millisecond))
		}
		var err error
		if tmp, err = os.MkdirTemp("", "goyarn-docker-test-"); err == nil {
			probeBin = filepath.Join(tmp, "probe")
			err = dockertest.BuildStatic(ctx, "github.com/goyarn/goyarn/containers/docker/internal/probe", probeBin)
		}
		if err != nil {
			dkEnv.SetupErr = err
		}
	}
	code := m.Run()
	if dkEnv.Client != nil {
		left, err := dockertest.Leftovers(ctx, dkEnv.Client, LabelCluster, runLabel)
		if err != nil || len(left) > 0 {
			fmt.Printf("FAIL: Docker containers left behind by the tests (label %s=%s): %v %v\n", LabelCluster, runLabel, left, err)
			code = 1
		}
	}
	dkEnv.Close()
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Println("goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// realRuntime is a runtime on the real daemon for node, closed at cleanup,
// when every container of the node is also stopped and removed through a
// fresh runtime (so a test's own leftovers never outlive it).
func realRuntime(t *testing.T, node string, mods ...func(*Config)) *Runtime {
	t.Helper()
	dkEnv.Skip(t)
	cfg := DefaultConfig()
	cfg.Node, cfg.ClusterID, cfg.DefaultImage = node, runLabel, dkEnv.Image
	for _, m := range mods {
		m(&cfg)
	}
	r, err := New(dkEnv.Client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = r.Close()
		removeNode(t, cfg)
	})
	return r
}

func newNode() string { return fmt.Sprintf("node-%d", nodeSeq.Add(1)) }

// removeNode stops and removes every container of cfg's node.
func removeNode(t *testing.T, cfg Config) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := New(dkEnv.Client, cfg)
	if err != nil {
		t.Error(err)
		return
	}
	defer r.Close()
	sts, err := r.Recover(ctx)
	if err != nil {
		t.Errorf("cleanup: Recover: %v", err)
		return
	}
	for _, st := range sts {
		if err := r.Stop(ctx, st.ID, 0); err != nil {
			t.Errorf("cleanup: Stop(%s): %v", st.ID, err)
		}
		if _, err := r.Wait(ctx, st.ID); err != nil {
			t.Errorf("cleanup: Wait(%s): %v", st.ID, err)
		}
		if err := r.Remove(ctx, st.ID); err != nil {
			t.Errorf("cleanup: Remove(%s): %v", st.ID, err)
		}
	}
}

func TestContract(t *testing.T) {
	dkEnv.Skip(t)
	runtimetest.Run(t,
		func(t *testing.T) containers.Runtime { return realRuntime(t, newNode()) },
		runtimetest.WithImage(dkEnv.Image),
		runtimetest.WithTimeout(60*time.Second),
		runtimetest.WithRestart(func(t *testing.T, old containers.Runtime) containers.Runtime {
			o := old.(*Runtime)
			if err := o.Close(); err != nil { // must leave the containers running
				t.Fatal(err)
			}
			return realRuntime(t, o.cfg.Node)
		}))
}

var realSeq atomic.Int64

// realSpec is a valid spec with fresh dirs, on the real daemon's image.
func realSpec(t *testing.T, command string) containers.Spec {
	return containers.Spec{
		ID: api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: time.Now().UnixMilli(), Seq: 9}, Attempt: 1},
			Seq: realSeq.Add(1)},
		Command: command, Env: map[string]string{"PATH": "/bin"}, WorkDir: t.TempDir(), LogDir: t.TempDir(),
		Resource: api.Res(128, 1), Image: dkEnv.Image,
	}
}

// withProbe copies the probe helper into spec's work dir, as the NM
// localizes an application binary.
func withProbe(t *testing.T, spec containers.Spec) containers.Spec {
	t.Helper()
	data, err := os.ReadFile(probeBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(spec.WorkDir, "probe"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	return spec
}

func readLog(t *testing.T, spec containers.Spec, name string) string {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(spec.LogDir, name))
	return string(data)
}
