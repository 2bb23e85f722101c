package cluster

import (
	"os/exec"
	"strings"
)

// runtimeArgs are the NMs' container runtime flags.
func (c *Cluster) runtimeArgs() []string {
	args := []string{"--container-runtime", c.opts.Runtime}
	if c.opts.Runtime == "docker" {
		// Containers may mount the cluster's own directory (test inputs and
		// outputs live there), nothing else.
		args = append(args, "--docker-allowed-images", "goyarn/", "--docker-allowed-mounts", c.Dir+":rw")
		if c.opts.DockerImage != "" {
			args = append(args, "--docker-default-image", c.opts.DockerImage)
		}
	}
	return args
}

// DockerContainers lists the Docker containers (running or not) this
// cluster's NMs created.
func (c *Cluster) DockerContainers() []string { return listContainers(c.ID) }

func listContainers(clusterID string) []string {
	out, err := exec.Command("docker", "ps", "-aq", "--filter", "label=goyarn.cluster="+clusterID).Output()
	if err != nil {
		return nil
	}
	return strings.Fields(string(out))
}

// removeContainers force-removes the cluster's containers and returns them.
func removeContainers(clusterID string) []string {
	ids := listContainers(clusterID)
	if len(ids) > 0 {
		_ = exec.Command("docker", append([]string{"rm", "-f", "-v"}, ids...)...).Run()
	}
	return ids
}
