package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// hogEnv makes the test binary, started as a container, allocate and touch
// that many MB and hold them until killed.
const hogEnv = "GOYARN_PROCESS_TEST_HOG_MB"

func TestMain(m *testing.M) {
	if mb := os.Getenv(hogEnv); mb != "" {
		os.Exit(hog(mb))
	}
	goleak.VerifyTestMain(m)
}

func hog(mbText string) int {
	mb, err := strconv.Atoi(mbText)
	if err != nil || mb <= 0 {
		fmt.Fprintln(os.Stderr, "bad", hogEnv, mbText)
		return 2
	}
	buf := make([]byte, mb<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	fmt.Println("allocated")
	time.Sleep(time.Hour) // hold the memory until the runtime kills this process
	runtime.KeepAlive(buf)
	return 0
}

// newTestRuntime makes a runtime on stateDir with fast intervals, closed at
// cleanup.
func newTestRuntime(t *testing.T, stateDir string, mods ...func(*Config)) *Runtime {
	t.Helper()
	cfg := DefaultConfig()
	cfg.StateDir = stateDir
	cfg.MemoryCheckInterval = 20 * time.Millisecond
	cfg.ExitPollInterval = 10 * time.Millisecond
	cfg.Logger = zap.NewNop()
	for _, m := range mods {
		m(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

var idSeq atomic.Int64

func testID() api.ContainerID {
	n := idSeq.Add(1)
	return api.ContainerID{
		Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 7}, Attempt: 1},
		Seq:     n,
	}
}

// testSpec is a valid spec with fresh dirs.
func testSpec(t *testing.T, command string) containers.Spec {
	return containers.Spec{
		ID: testID(), Command: command, Env: map[string]string{}, WorkDir: t.TempDir(),
		LogDir: t.TempDir(), Resource: api.Res(256, 1),
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startT starts spec on r and kills it at cleanup.
func startT(t *testing.T, r *Runtime, spec containers.Spec) {
	t.Helper()
	if err := r.Start(testCtx(t), spec); err != nil {
		t.Fatalf("Start(%q): %v", spec.Command, err)
	}
	stopAtCleanup(t, r, spec.ID)
}

func stopAtCleanup(t *testing.T, r *Runtime, id api.ContainerID) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx, id, 0); err == nil {
			_, _ = r.Wait(ctx, id)
		}
	})
}

func waitT(t *testing.T, r *Runtime, id api.ContainerID) containers.Status {
	t.Helper()
	st, err := r.Wait(testCtx(t), id)
	if err != nil {
		t.Fatalf("Wait(%s): %v", id, err)
	}
	return st
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition under a deadline
	}
}

// waitLine waits for path to hold a line and returns it trimmed.
func waitLine(t *testing.T, path string) string {
	t.Helper()
	var s string
	eventually(t, path, func() bool {
		data, err := os.ReadFile(path)
		s = string(data)
		return err == nil && strings.HasSuffix(s, "\n")
	})
	return strings.TrimSpace(s)
}

func wantErrIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: %v, want %v", what, err, target)
	}
}

func stateFile(r *Runtime, id api.ContainerID, name string) string {
	return filepath.Join(r.stateDir, id.String(), name)
}
