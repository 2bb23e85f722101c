package process

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// A stopped container gets its whole grace period to shut down, even when
// the command is a process of its own (not the launch shell) that takes a
// while after SIGTERM: nothing is SIGKILLed while it still cleans up.
func TestStopGivesTheCommandItsGrace(t *testing.T) {
	rt := newTestRuntime(t, t.TempDir())
	dir := t.TempDir()
	work, logs := filepath.Join(dir, "work"), filepath.Join(dir, "logs")
	os.MkdirAll(work, 0o755)
	os.MkdirAll(logs, 0o755)
	marker, ready := filepath.Join(work, "cleaned-up"), filepath.Join(work, "ready")
	id := api.ContainerID{Attempt: api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, Attempt: 1}, Seq: 7}
	// A separate process that needs 0.5 s to clean up after SIGTERM.
	cmd := `sh -c 'trap "sleep 0.5; touch ` + marker + `; exit 0" TERM; touch ` + ready + `; while :; do sleep 0.05; done' 1>>` + logs + `/out`
	spec := containers.Spec{ID: id, Command: "true; " + cmd, WorkDir: work, LogDir: logs, Resource: api.Res(256, 1), Env: map[string]string{}}
	if err := rt.Start(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, err := os.Stat(ready); err != nil; _, err = os.Stat(ready) {
		if time.Now().After(deadline) {
			t.Fatal("the command never installed its TERM trap")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := rt.Stop(context.Background(), id, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := rt.Wait(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the command was killed before it finished cleaning up: %v", err)
	}
}
