package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

type testConfig struct {
	Name     string `yaml:"name" usage:"a name"`
	Count    int    `yaml:"count" usage:"how many"`
	LogLevel string `yaml:"log-level" usage:"debug, info, warn or error"`
}

func testDefaults() testConfig { return testConfig{Name: "dflt", Count: 2, LogLevel: "info"} }

func TestAppLoadsTheConfigAndRuns(t *testing.T) {
	t.Setenv("GOYARN_TEST_COUNT", "7")
	for _, tc := range []struct {
		args []string
		want testConfig
	}{
		{nil, testConfig{Name: "dflt", Count: 7, LogLevel: "info"}},
		{[]string{"--name", "given", "--count", "3"}, testConfig{Name: "given", Count: 3, LogLevel: "info"}},
	} {
		var got testConfig
		app := App("testd", "run a test daemon", "v1", testDefaults, "GOYARN_TEST", nil, func(cfg testConfig) error {
			got = cfg
			return nil
		})
		if err := app.Run(append([]string{"testd"}, tc.args...)); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got != tc.want {
			t.Errorf("%v: run got %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestAppPrintsTheConfigReference(t *testing.T) {
	app := App("testd", "run a test daemon", "v1", testDefaults, "GOYARN_TEST", nil, func(testConfig) error {
		t.Error("config-reference ran the daemon")
		return nil
	})
	var out bytes.Buffer
	app.Writer = &out
	if err := app.Run([]string{"testd", "config-reference"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| `--name` | `GOYARN_TEST_NAME` | `dflt` | a name |", "| `--count` | `GOYARN_TEST_COUNT` | `2` | how many |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("reference lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunRefusesABadLogLevel(t *testing.T) {
	err := Run("loud", "console", func(context.Context, *zap.Logger) error {
		t.Error("run called with a bad log level")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), `log level "loud"`) {
		t.Errorf("Run: %v", err)
	}
	if err := Run("error", "json", func(ctx context.Context, log *zap.Logger) error {
		if ctx.Err() != nil || log == nil {
			t.Errorf("run got ctx %v, log %v", ctx.Err(), log)
		}
		return nil
	}); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestReadyWritesOrLogs(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	path := filepath.Join(t.TempDir(), "ready.json")
	Ready(zap.New(core), path, map[string]any{"pid": 42})
	var got map[string]int
	if data, err := os.ReadFile(path); err != nil || json.Unmarshal(data, &got) != nil || got["pid"] != 42 {
		t.Errorf("ready file: %v %v", got, err)
	}
	Ready(zap.New(core), filepath.Join(t.TempDir(), "no", "such", "dir", "ready.json"), 1)
	if logs.FilterMessage("writing the ready file failed").Len() != 1 {
		t.Errorf("a failed write was not logged: %v", logs.All())
	}
}
