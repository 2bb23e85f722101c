package multihost

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goyarn/goyarn/containers/docker/dockertest"
)

var (
	dockerOnce sync.Once
	dockerEnv  dockertest.Env
)

// sandbox starts the Docker container whose network namespace becomes host
// name (Options.Docker) and returns its pid. It runs the executor image's
// shell, sleeping, with no network of its own; the test removes it (by id)
// when it ends, also on failure, and with it every container the cluster
// left (by the goyarn.cluster label).
func (s *Seed) sandbox(name string) int {
	t := s.t
	t.Helper()
	dockerOnce.Do(func() { dockerEnv = dockertest.Prepare(context.Background()) })
	dockerEnv.Skip(t)
	s.image = dockerEnv.Image
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "run", "-d", "--network", "none", "--label", "goyarn.multihost="+s.Net.Name,
		"--name", s.Net.Name+"-"+name, s.image, "-c", "sleep 86400").CombinedOutput() // the image's entrypoint is /bin/sh
	if err != nil {
		t.Fatalf("starting the host container of %s: %v: %s", name, err, out)
	}
	id := strings.TrimSpace(string(out))
	if len(s.sandboxes) == 0 {
		t.Cleanup(func() { s.removeContainers() })
	}
	s.sandboxes = append(s.sandboxes, id)
	out, err = exec.CommandContext(ctx, "docker", "inspect", "-f", "{{.State.Pid}}", id).Output()
	pid, perr := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || perr != nil || pid <= 0 {
		t.Fatalf("the pid of %s's host container: %v %v %q", name, err, perr, out)
	}
	return pid
}

// removeContainers removes the host containers and whatever the cluster's
// NodeManagers left.
func (s *Seed) removeContainers() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ids := append([]string{}, s.sandboxes...)
	if out, err := exec.CommandContext(ctx, "docker", "ps", "-aq", "--filter", "label=goyarn.cluster="+s.ClusterID()).Output(); err == nil {
		ids = append(ids, strings.Fields(string(out))...)
	}
	if len(ids) > 0 {
		if out, err := exec.CommandContext(ctx, "docker", append([]string{"rm", "-f", "-v"}, ids...)...).CombinedOutput(); err != nil {
			s.t.Errorf("removing the test's containers: %v: %s", err, out)
		}
	}
}
