package cliconf

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

type testConfig struct {
	Address  string          `yaml:"address" usage:"listen address"`
	Memory   int64           `yaml:"memory-mb" usage:"memory"`
	Ratio    float64         `yaml:"ratio" usage:"ratio"`
	Expiry   time.Duration   `yaml:"expiry" usage:"expiry"`
	Verbose  bool            `yaml:"verbose" usage:"verbose"`
	Masters  []string        `yaml:"masters" usage:"masters"`
	Nested   struct{ A int } `yaml:"nested" flag:"-"`
	Inline   inlined         `yaml:",inline"`
	internal int
}

// inlined fields are flags and top-level YAML keys of the outer config.
type inlined struct {
	Zone string `yaml:"zone" usage:"zone"`
}

func run(t *testing.T, args []string, env map[string]string) testConfig {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	def := testConfig{Address: "127.0.0.1:1", Memory: 10, Ratio: 0.5, Expiry: time.Second, Masters: []string{"a"}}
	var got testConfig
	app := &cli.App{Flags: Flags(def, "T"), Action: func(c *cli.Context) error {
		got = def
		return Load(c, &got)
	}}
	if err := app.Run(append([]string{"x"}, args...)); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.yaml")
	os.WriteFile(file, []byte("address: file:1\nmemory-mb: 20\nexpiry: 30s\nnested: {a: 7}\nzone: file-zone\n"), 0o644)

	got := run(t, []string{"--config", file}, nil)
	if got.Address != "file:1" || got.Memory != 20 || got.Expiry != 30*time.Second || got.Nested.A != 7 || got.Ratio != 0.5 ||
		got.Inline.Zone != "file-zone" {
		t.Fatalf("file: %+v", got)
	}
	if got = run(t, []string{"--config", file, "--zone", "flag-zone"}, nil); got.Inline.Zone != "flag-zone" {
		t.Fatalf("an inline field's flag: %+v", got)
	}
	got = run(t, []string{"--config", file}, map[string]string{"T_ADDRESS": "env:1", "T_MASTERS": "x, y"})
	if got.Address != "env:1" || got.Memory != 20 || !reflect.DeepEqual(got.Masters, []string{"x", "y"}) {
		t.Fatalf("env over file: %+v", got)
	}
	got = run(t, []string{"--config", file, "--address", "flag:1", "--verbose", "--ratio", "0.25"}, map[string]string{"T_ADDRESS": "env:1"})
	if got.Address != "flag:1" || !got.Verbose || got.Ratio != 0.25 {
		t.Fatalf("flag over env: %+v", got)
	}
}

func TestUnknownKeyInFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("adress: typo\n"), 0o644)
	def := testConfig{}
	app := &cli.App{Flags: Flags(def, "T"), Action: func(c *cli.Context) error { return Load(c, &def) }}
	err := app.Run([]string{"x", "--config", file})
	if err == nil || !strings.Contains(err.Error(), "adress") {
		t.Fatalf("want unknown-key error naming the key, got %v", err)
	}
}

func TestReference(t *testing.T) {
	ref := Reference(testConfig{Address: "127.0.0.1:1"}, "T")
	for _, want := range []string{"`--address`", "`T_ADDRESS`", "`127.0.0.1:1`", "listen address", "`--expiry`"} {
		if !strings.Contains(ref, want) {
			t.Errorf("reference lacks %q:\n%s", want, ref)
		}
	}
	if strings.Contains(ref, "nested") {
		t.Errorf("flag:\"-\" field in reference:\n%s", ref)
	}
}
