package appmaster

import (
	"errors"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		api.EnvContainerID:    "container_e03_1700000000000_0007_02_000001",
		api.EnvAMToken:        "tok",
		api.EnvRMRPCAddresses: " rm1:8030, rm2:8030 ,,",
	}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 7}, Attempt: 2}
	if cfg.AttemptID != want || cfg.Token != "tok" || strings.Join(cfg.RMAddresses, "|") != "rm1:8030|rm2:8030" {
		t.Errorf("got %+v", cfg)
	}
	if cfg.MaxWait != DefaultConfig().MaxWait {
		t.Errorf("MaxWait = %s, want the default", cfg.MaxWait)
	}
}

func TestConfigFromEnvReportsEveryProblem(t *testing.T) {
	_, err := ConfigFromEnv(func(string) string { return "" })
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
	for _, name := range []string{api.EnvContainerID, api.EnvAMToken, api.EnvRMRPCAddresses} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	_, err = ConfigFromEnv(func(k string) string { return map[string]string{api.EnvContainerID: "container_x"}[k] })
	if !errors.Is(err, api.ErrInvalidID) {
		t.Errorf("bad container id: err = %v, want ErrInvalidID", err)
	}
}

func TestConfigValidate(t *testing.T) {
	c := DefaultConfig()
	c.RMAddresses, c.AttemptID, c.Token = []string{"rm:1"}, api.AttemptID{App: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, Attempt: 1}, "t"
	if err := c.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	c.MaxWait, c.BackoffBase, c.BackoffMax = -1, 10, 5
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "max wait") || !strings.Contains(err.Error(), "above backoff max") {
		t.Errorf("err = %v, want both problems", err)
	}
}
