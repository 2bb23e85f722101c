package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// TestExecutorLossDuringShuffle runs a word count on three executor
// processes (this test binary in the executor role), SIGKILLs one of them
// once the map stage has left outputs on it, and checks that the counts are
// still exact and that exactly the lost map partitions ran again.
func TestExecutorLossDuringShuffle(t *testing.T) {
	dir := t.TempDir()
	gatePath := filepath.Join(dir, "gate")
	var texts []string
	for i := range 6 {
		text := corpus(200+50*i, 10+i)
		texts = append(texts, text)
		writeFiles(t, dir, map[string]string{fmt.Sprintf("in-%d.txt", i): text})
	}
	want := wordCounts(texts...)

	app, f := testApp()
	conf := map[string]string{confHeartbeatInterval: "200ms", protocol.ConfExecutorHeartbeatWait: "30s"}
	cfg := DefaultConfig()
	cfg.Role = protocol.RoleDriver
	cfg.Executors = 3
	cfg.AppID = "application_1_0002"
	cfg.DriverInfoFile = filepath.Join(dir, "driver.json")
	cfg.AckTimeout = time.Millisecond
	cfg.Conf = conf
	var logs *logBuffer
	cfg.Logger, logs = testLogger(t)

	drv := make(chan *driver, 1)
	counts := make(chan map[string]int, 1)
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	go func() {
		done <- app.RunConfig(ctx, cfg, func(c *Context) error {
			drv <- c.d
			lines := TextFile(c, filepath.Join(dir, "in-*.txt"), 0)
			gated := MapPartitions(ReduceByKey(Map(FlatMap(lines, f.words), f.pair), f.sum, 4), f.gate)
			got, err := Collect(gated)
			m := map[string]int{}
			for _, kv := range got {
				m[kv.Key] += kv.Value
			}
			counts <- m
			return err
		})
	}()
	var info protocol.DriverInfo
	waitFor(t, "the driver info file", func() bool {
		data, err := os.ReadFile(cfg.DriverInfoFile)
		return err == nil && json.Unmarshal(data, &info) == nil
	})

	confJSON, _ := json.Marshal(conf)
	procs := map[string]*exec.Cmd{}
	for _, id := range []string{"1", "2", "3"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(),
			protocol.EnvRole+"="+protocol.RoleExecutor,
			protocol.EnvDriverURL+"="+info.URL,
			protocol.EnvExecutorID+"="+id,
			protocol.EnvExecutorHost+"=127.0.0.1",
			protocol.EnvExecutorCores+"=2",
			protocol.EnvAppID+"="+cfg.AppID,
			protocol.EnvConf+"="+string(confJSON),
			"LOCAL_DIRS="+t.TempDir(),
			gateEnv+"="+gatePath,
		)
		out := &logBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[id] = cmd
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("executor %s output:\n%s", id, out.String())
			}
		})
	}

	var d *driver
	select {
	case d = <-drv:
	case <-ctx.Done():
		t.Fatal("main never started")
	}
	// The reducers wait at the gate, so the job cannot end before the kill.
	waitFor(t, "every map output", func() bool {
		outs := d.sched.MapOutputs(1)
		for _, o := range outs {
			if o == nil {
				return false
			}
		}
		return len(outs) == 6
	})
	held := map[string][]int{}
	for m, o := range d.sched.MapOutputs(1) {
		held[o.ExecutorID] = append(held[o.ExecutorID], m)
	}
	victim := ""
	for id, parts := range held {
		if victim == "" || len(parts) > len(held[victim]) {
			victim = id
		}
	}
	lost := map[int]bool{}
	for _, m := range held[victim] {
		lost[m] = true
	}
	if err := procs[victim].Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = procs[victim].Wait()
	if err := os.WriteFile(gatePath, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the job failed: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the job did not finish")
	}
	if got := <-counts; !maps.Equal(got, want) {
		t.Fatalf("counts differ after the executor loss:\n got %v\nwant %v", got, want)
	}
	for m, n := range d.sched.Launches(1) {
		if lost[m] && n != 2 {
			t.Errorf("lost map partition %d ran %d times, want 2", m, n)
		}
		if !lost[m] && n != 1 {
			t.Errorf("map partition %d (not lost) ran %d times, want 1", m, n)
		}
	}
	l := logs.String()
	if !strings.Contains(l, "executor lost") || !strings.Contains(l, `"missing"`) {
		t.Errorf("the driver's log does not show the loss and the re-run of missing partitions")
	}
	t.Logf("killed executor %s holding map outputs %v", victim, held[victim])
}
