package main

import (
	"strings"
	"testing"

	"github.com/goyarn/goyarn/cmd/internal/cliconf"
	"github.com/goyarn/goyarn/nodemanager"
)

func TestEveryConfigFieldIsAFlag(t *testing.T) {
	flags := cliconf.Flags(nodemanager.DefaultConfig(), envPrefix) // panics on an unsupported field
	ref := cliconf.Reference(nodemanager.DefaultConfig(), envPrefix)
	for _, key := range []string{"rm-addresses", "rpc-address", "web-address", "supervised", "ready-file", "localize-roots",
		"container-runtime", "cluster-id", "docker-allowed-images", "docker-default-image", "docker-network", "docker-pids-limit"} {
		if !strings.Contains(ref, "`--"+key+"`") {
			t.Errorf("no flag --%s", key)
		}
	}
	if len(flags) != 30 { // 29 fields and --config
		t.Errorf("%d flags", len(flags))
	}
}
