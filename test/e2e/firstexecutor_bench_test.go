package e2e

import (
	"bufio"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/containers/docker/dockertest"
	"github.com/goyarn/goyarn/test/cluster"
)

// benchFirstExecutor measures, per iteration, the time from starting
// gosubmit (client mode, so the driver's log is on its stderr) to the
// driver logging its first registered executor.
func benchFirstExecutor(b *testing.B, c *cluster.Cluster) {
	var total, worst time.Duration
	for i := 0; i < b.N; i++ {
		cmd := c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "client", "--num-executors", "1", filepath.Join(c.Bin, "pi"), "1")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var took time.Duration
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if took == 0 && strings.Contains(sc.Text(), "registered executor") {
				took = time.Since(start)
			}
		}
		if err := cmd.Wait(); err != nil || took == 0 {
			b.Fatalf("gosubmit: %v (registered executor seen: %v)", err, took > 0)
		}
		total += took
		worst = max(worst, took)
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/first-executor")
	b.ReportMetric(worst.Seconds(), "s-worst")
}

// BenchmarkFirstExecutorProcess: submit to first executor registered, the
// process runtime (target < 1 s).
func BenchmarkFirstExecutorProcess(b *testing.B) {
	benchFirstExecutor(b, cluster.Start(b, cluster.Options{NodeManagers: 2}))
}

// BenchmarkFirstExecutorDocker: the same with the AM and executors in Docker
// containers (target < 2 s).
func BenchmarkFirstExecutorDocker(b *testing.B) {
	dockerOnce.Do(func() { dockerEnv = dockertest.Prepare(context.Background()) })
	if dockerEnv.Unreachable != nil || dockerEnv.SetupErr != nil {
		b.Skipf("docker: %v %v: skipping", dockerEnv.Unreachable, dockerEnv.SetupErr)
	}
	benchFirstExecutor(b, cluster.Start(b, cluster.Options{NodeManagers: 2, Runtime: "docker", DockerImage: dockerEnv.Image}))
}
