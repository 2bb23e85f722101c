package main

import (
	"reflect"
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
	fields := 0
	typ := reflect.TypeOf(nodemanager.DefaultConfig())
	for i := 0; i < typ.NumField(); i++ {
		if key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ","); key != "" && key != "-" && typ.Field(i).Tag.Get("flag") != "-" {
			fields++
		}
	}
	if len(flags) != fields+1 { // every field and --config
		t.Errorf("%d flags for %d config fields", len(flags), fields)
	}
}
