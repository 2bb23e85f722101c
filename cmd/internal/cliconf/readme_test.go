package cliconf_test

// The README's configuration reference must be the one the code generates
// (scripts/gen-docs.sh rewrites it).

import (
	"os"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/cmd/internal/cliconf"
	"github.com/goyarn/goyarn/nodemanager"
	"github.com/goyarn/goyarn/resourcemanager"
)

func TestReadmeReferenceIsCurrent(t *testing.T) {
	data, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, c := range []struct {
		name, prefix string
		cfg          any
	}{
		{"resourcemanager", "GOYARN_RM", resourcemanager.DefaultConfig()},
		{"nodemanager", "GOYARN_NM", nodemanager.DefaultConfig()},
	} {
		want := "<!-- BEGIN " + c.name + " reference -->\n" + cliconf.Reference(c.cfg, c.prefix) + "<!-- END " + c.name + " reference -->"
		if !strings.Contains(readme, want) {
			t.Errorf("README's %s reference is stale: run scripts/gen-docs.sh", c.name)
		}
	}
}
