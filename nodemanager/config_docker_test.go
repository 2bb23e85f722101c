package nodemanager

import (
	"strings"
	"testing"
)

func TestValidateDockerSettings(t *testing.T) {
	for _, mode := range []string{RuntimeDocker, RuntimeProcess, RuntimeAuto, RuntimeFake} {
		c := DefaultConfig()
		c.ContainerRuntime = mode
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", mode, err)
		}
	}
	c := DefaultConfig()
	c.ClusterID = "a b"
	c.DockerAllowedImages = []string{"goyarn/", " "}
	c.DockerDefaultImage = "busybox:latest"
	c.DockerNetwork = "macvlan"
	c.DockerPidsLimit = 0
	err := c.Validate()
	for _, want := range []string{"cluster-id", "docker-allowed-images", `docker-default-image: "busybox:latest" is not under an allowed prefix`,
		`docker-network: "macvlan"`, "docker-pids-limit"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v; want a problem with %s", err, want)
		}
	}
}
