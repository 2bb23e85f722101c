package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/amtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// amEnv is the environment an NM gives the AM container of rm's attempt.
func amEnv(rm *amtest.FakeRM) func(string) string {
	env := map[string]string{
		api.EnvContainerID:    rm.AMContainerID().String(),
		api.EnvAMToken:        rm.Token(),
		api.EnvRMRPCAddresses: rm.Addr(),
		api.EnvNMHost:         "nm-host",
	}
	return func(k string) string { return env[k] }
}

func runAM(t *testing.T, getenv func(string) string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, append([]string{"appmaster", "--heartbeat-interval", "20ms"}, args...), getenv, &stdout, &stderr)
	return code, stderr.String()
}

func TestShell(t *testing.T) {
	tests := []struct {
		name     string
		exit     int // of every shell container
		args     []string
		wantCode int
		wantLog  string
	}{
		{"all succeed", 0, []string{"--num-containers", "2"}, exitSucceeded, "all containers exited with code 0"},
		{"a failure fails the AM", 7, []string{"--num_containers", "1"}, exitFailed, "exited with code 7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rm := amtest.NewFakeRM(t, amtest.RMOptions{})
			nm := amtest.NewFakeNM(t, rm, amtest.NMOptions{Exit: func(api.ContainerID, api.LaunchContext) int { return tc.exit }})
			args := append([]string{"shell", "--shell-command", "printenv", "--shell-args", "A", "--shell-env", "A=1,2", "--shell-env", "B=x"}, tc.args...)
			code, logs := runAM(t, amEnv(rm), args...)
			if code != tc.wantCode || !strings.Contains(logs, tc.wantLog) {
				t.Fatalf("exit %d, want %d; logs:\n%s", code, tc.wantCode, logs)
			}
			if regs := rm.Registrations(); len(regs) != 1 || regs[0].Host != "nm-host" {
				t.Errorf("registrations %+v", regs)
			}
			for _, lc := range nm.Launches() {
				if lc.Environment["A"] != "1,2" || lc.Environment["B"] != "x" || !strings.Contains(strings.Join(lc.Commands, " "), "'printenv A'") {
					t.Errorf("launch %+v", lc)
				}
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	tests := []struct {
		name   string
		getenv func(string) string
		args   []string
		want   string
	}{
		{"no command", amEnv(rm), []string{"shell"}, "shell-command"},
		{"bad count", amEnv(rm), []string{"shell", "--shell-command", "true", "--num-containers", "0"}, "--num-containers"},
		{"not in a container", func(string) string { return "" }, []string{"shell", "--shell-command", "true"}, api.EnvContainerID},
		{"unknown subcommand flag", amEnv(rm), []string{"shell", "--nope"}, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, logs := runAM(t, tc.getenv, tc.args...)
			if code != exitUsage || !strings.Contains(logs, tc.want) {
				t.Errorf("exit %d, want %d; stderr should mention %q:\n%s", code, exitUsage, tc.want, logs)
			}
		})
	}
	if n := len(rm.Registrations()); n != 0 {
		t.Errorf("%d registrations from bad command lines", n)
	}
}
