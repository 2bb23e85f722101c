package dshell

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateReportsEveryProblem(t *testing.T) {
	o := Options{NumContainers: 0, ContainerMemoryMB: -1, ContainerVCores: 0, Priority: -2, ShellEnv: map[string]string{"A=B": "x"}}
	err := o.Validate()
	if !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"--shell-command", "--num-containers", "--container-memory", "--container-vcores", "--priority", "--shell-env"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
	d := DefaultOptions()
	d.ShellCommand = "true"
	if err := d.Validate(); err != nil {
		t.Errorf("defaults with a command: %v", err)
	}
}

func TestParseEnv(t *testing.T) {
	env, err := ParseEnv([]string{"A=1", "B=x=y", "C"})
	if err != nil || env["A"] != "1" || env["B"] != "x=y" || env["C"] != "" || len(env) != 3 {
		t.Errorf("env = %v, %v", env, err)
	}
	if _, err := ParseEnv([]string{"=v"}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("no name: err = %v", err)
	}
}

func TestLaunchContext(t *testing.T) {
	tests := []struct{ cmd, args, want string }{
		{"date", "", `/bin/sh -c 'date' 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`},
		{"echo", "hello world", `/bin/sh -c 'echo hello world' 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`},
		{"echo", "it's", `/bin/sh -c 'echo it'\''s' 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`},
	}
	for _, tc := range tests {
		o := Options{ShellCommand: tc.cmd, ShellArgs: tc.args, ShellEnv: map[string]string{"K": "V"}}
		lc := o.LaunchContext()
		if got := strings.Join(lc.Commands, " "); got != tc.want {
			t.Errorf("%q %q: command %s, want %s", tc.cmd, tc.args, got, tc.want)
		}
		if lc.Environment["K"] != "V" {
			t.Errorf("env = %v", lc.Environment)
		}
	}
}
