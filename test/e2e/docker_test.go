package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers/docker/dockertest"
	"github.com/goyarn/goyarn/test/cluster"
)

var (
	dockerOnce sync.Once
	dockerEnv  dockertest.Env
)

// dockerCluster starts a cluster whose NMs run containers in Docker, with
// the executor image built from this tree; without a Docker daemon the test
// skips, saying so in one line.
func dockerCluster(t *testing.T, nms int) *cluster.Cluster {
	t.Helper()
	dockerOnce.Do(func() { dockerEnv = dockertest.Prepare(context.Background()) })
	dockerEnv.Skip(t)
	c := cluster.Start(t, cluster.Options{NodeManagers: nms, NodeMemoryMB: 4096, NodeVCores: 4, Runtime: "docker", DockerImage: dockerEnv.Image})
	t.Cleanup(func() {
		// Every container of every application is stopped (after its grace)
		// and removed by the NMs once the application ends: nothing is left
		// for the cluster's own cleanup to remove.
		if t.Failed() {
			return
		}
		deadline := time.Now().Add(60 * time.Second)
		for left := c.DockerContainers(); len(left) > 0; left = c.DockerContainers() {
			if time.Now().After(deadline) {
				t.Errorf("Docker containers left 60 s after the test: %v", left)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return c
}

// inDocker reports whether a process runs in a Docker container.
func inDocker(p cluster.Proc) bool { return strings.Contains(p.Cgroup, "/docker/") }

// watchExecutors records, while an application runs, every executor process
// of binary bin it sees, and whether it ran in Docker.
type execWatch struct {
	mu     sync.Mutex
	seen   map[int]bool // pid -> in Docker
	stop   chan struct{}
	done   chan struct{}
	prefix string
	bin    string
}

func watchExecutors(dir, bin string) *execWatch {
	w := &execWatch{seen: map[int]bool{}, stop: make(chan struct{}), done: make(chan struct{}), prefix: dir, bin: bin}
	go func() {
		defer close(w.done)
		for {
			for _, p := range cluster.Procs(func(p cluster.Proc) bool {
				return isBinary(p, w.bin) && p.Env["GOYARN_ENGINE_ROLE"] == "executor" && strings.HasPrefix(p.Cwd, w.prefix)
			}) {
				w.mu.Lock()
				w.seen[p.PID] = inDocker(p)
				w.mu.Unlock()
			}
			select {
			case <-w.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return w
}

// result stops watching and returns how many executors were seen and how
// many of them ran in Docker.
func (w *execWatch) result() (seen, docker int) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range w.seen {
		seen++
		if d {
			docker++
		}
	}
	return seen, docker
}

// pi and wordcount run with the AM and executors in Docker containers, in
// both deploy modes, with the right results; the containers are gone after.
func TestDockerPiAndWordcount(t *testing.T) {
	c := dockerCluster(t, 2)
	for _, mode := range []string{"cluster", "client"} {
		w := watchExecutors(c.Dir, "pi")
		_, stderr := run(t, c.Command("gosubmit", "--master", "yarn", "--deploy-mode", mode, "--num-executors", "2", filepath.Join(c.Bin, "pi"), "20"))
		seen, docker := w.result()
		app := appIDPattern(stderr)
		if !strings.Contains(stderr, "SUCCEEDED") && mode == "cluster" {
			t.Fatalf("pi %s mode:\n%s", mode, stderr)
		}
		if mode == "cluster" {
			if out := amLog(t, c, app, "stdout"); !strings.Contains(out, "Pi is roughly 3.1") {
				t.Errorf("pi cluster mode output:\n%s", out)
			}
		}
		if seen < 2 || docker != seen {
			t.Errorf("pi %s mode: %d executors seen, %d of them in Docker", mode, seen, docker)
		}
	}

	// wordcount reads its input from a directory the node lets containers
	// mount (YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS, as Spark on YARN asks for
	// it), and in cluster mode writes its part files there too.
	data := filepath.Join(c.Dir, "data")
	want := writeCorpus(t, filepath.Join(data, "in"), 4, 300)
	mounts := data + ":" + data + ":rw"
	confs := []string{"--conf", "spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS=" + mounts,
		"--conf", "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS=" + mounts}
	out := filepath.Join(data, "out")
	os.MkdirAll(out, 0o777)
	os.Chmod(data, 0o777)
	args := append(append([]string{"--master", "yarn", "--deploy-mode", "cluster"}, confs...), filepath.Join(c.Bin, "wordcount"), data+"/in/*.txt", out)
	if _, stderr := run(t, c.Command("gosubmit", args...)); !strings.Contains(stderr, "final status: SUCCEEDED") {
		t.Fatalf("wordcount cluster mode:\n%s", stderr)
	}
	parts, _ := filepath.Glob(filepath.Join(out, "part-*"))
	var all strings.Builder
	for _, p := range parts {
		b, _ := os.ReadFile(p)
		all.Write(b)
	}
	sameCounts(t, parseCounts(t, all.String()), want)

	args = append(append([]string{"--master", "yarn", "--deploy-mode", "client"}, confs[:2]...), filepath.Join(c.Bin, "wordcount"), data+"/in/*.txt")
	stdout, _ := run(t, c.Command("gosubmit", args...))
	sameCounts(t, parseCounts(t, stdout), want)

	c.WaitFor("every container of the finished applications removed", 30*time.Second, func() (bool, string) {
		left := c.DockerContainers()
		return len(left) == 0, fmt.Sprint(left)
	})
}

// An executor that allocates past its container's memory is killed, and the
// diagnostics say so.
func TestDockerMemoryLimit(t *testing.T) {
	c := dockerCluster(t, 1)
	cmd := c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "cluster", "--num-executors", "1",
		"--executor-memory", "1g", "--conf", "spark.yarn.max.executor.failures=2", testProgram(t, "memhog"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("memhog succeeded:\n%s", stderr.String())
	}
	app := c.WaitForState(appIDPattern(stderr.String()), 60, api.AppFailed, api.AppFinished, api.AppKilled)
	for _, want := range []string{"-104", "memory"} {
		if !strings.Contains(app.Diagnostics, want) {
			t.Errorf("diagnostics lack %q: %q", want, app.Diagnostics)
		}
	}
	t.Logf("diagnostics: %.300s", app.Diagnostics)
}

var containerIDRE = regexp.MustCompile(`registered executor.*"container_id": "([^"]+)"`)

// kill -9 of the NodeManager during a running application, then a restart:
// the application still succeeds, and its executors kept running — the
// same containers registered once, none relaunched.
func TestDockerNodeManagerRestart(t *testing.T) {
	c := dockerCluster(t, 1)
	cmd := c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "cluster", "--num-executors", "2", testProgram(t, "slowsum"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var before []cluster.Proc
	c.WaitFor("both executors running in Docker, and the AM told so", 60*time.Second, func() (bool, string) {
		before = cluster.Procs(func(p cluster.Proc) bool {
			return isBinary(p, "slowsum") && p.Env["GOYARN_ENGINE_ROLE"] == "executor" && inDocker(p)
		})
		// The AM's start calls have returned (it logs "executor launched"):
		// killing the NM before that fails the launches, not the restart.
		launched := 0
		if logs, _ := filepath.Glob(filepath.Join(c.Dir, "nm0", "logs", "application_*", "container_*_000001", "stderr")); len(logs) == 1 {
			if b, err := os.ReadFile(logs[0]); err == nil {
				launched = strings.Count(string(b), "executor launched")
			}
		}
		return len(before) == 2 && launched == 2, fmt.Sprintf("%d executors, %d launched", len(before), launched)
	})
	c.NMs[0].Kill()
	c.StartNM(0)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("gosubmit: %v\n%s", err, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("the application did not finish")
	}
	app := appIDPattern(stderr.String())
	if out := amLog(t, c, app, "stdout"); !strings.Contains(out, "sum is 780") {
		t.Errorf("output: %q", out)
	}
	// The driver saw exactly the executors that ran before the restart —
	// the same containers, of the first attempt — and lost none.
	log := amLog(t, c, app, "stderr")
	var cids, running []string
	for _, m := range containerIDRE.FindAllStringSubmatch(log, -1) {
		cids = append(cids, m[1])
	}
	for _, p := range before {
		running = append(running, p.Env["CONTAINER_ID"])
	}
	slices.Sort(running)
	slices.Sort(cids)
	if !slices.Equal(cids, running) || strings.Contains(log, "executor lost") {
		t.Errorf("executor containers registered %v, running before the restart %v (want the same, none lost):\n%s", cids, running, log)
	}
}

// A disallowed image and a privileged request are refused: the executors
// never start, and the application fails saying why.
func TestDockerRefusals(t *testing.T) {
	c := dockerCluster(t, 1)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--image", "busybox:latest"}, "not allowed"},
		{[]string{"--conf", "spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_RUN_PRIVILEGED_CONTAINER=true"}, "privileged"},
	} {
		args := append(append([]string{"--master", "yarn", "--deploy-mode", "cluster", "--num-executors", "1"}, tc.args...), filepath.Join(c.Bin, "pi"), "2")
		cmd := c.Command("gosubmit", args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err == nil {
			t.Errorf("%v: the application succeeded", tc.args)
			continue
		}
		app := c.WaitForState(appIDPattern(stderr.String()), 60, api.AppFailed, api.AppFinished, api.AppKilled)
		if app.FinalStatus != api.FinalFailed || !strings.Contains(app.Diagnostics, tc.want) {
			t.Errorf("%v: %s %q, want FAILED mentioning %q", tc.args, app.FinalStatus, app.Diagnostics, tc.want)
		}
	}
}
