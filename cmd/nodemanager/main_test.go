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
	if len(flags) != countFields(reflect.TypeOf(nodemanager.DefaultConfig()))+1 { // every field and --config
		t.Errorf("%d flags for %d config fields", len(flags), countFields(reflect.TypeOf(nodemanager.DefaultConfig())))
	}
	for _, key := range []string{"object-store-endpoint", "object-store-credentials-file", "remote-app-log-dir"} {
		if !strings.Contains(ref, "`--"+key+"`") {
			t.Errorf("no flag --%s", key)
		}
	}
}

// countFields counts the keyed fields of a config struct type, those of
// its inline structs included.
func countFields(typ reflect.Type) int {
	n := 0
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		key, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case f.Tag.Get("flag") == "-":
		case key == "" && opts == "inline":
			n += countFields(f.Type)
		case key != "" && key != "-":
			n++
		}
	}
	return n
}
