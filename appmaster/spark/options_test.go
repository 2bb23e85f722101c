package spark

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

func validOptions() Options {
	o := DefaultOptions()
	o.Binary = "app"
	o.ExecutorResources = map[string]string{"app": "file:///staging/app"}
	return o
}

func TestValidateReportsEveryProblem(t *testing.T) {
	o := Options{
		DeployMode: Client, Binary: "bin/app", Args: []string{"x"}, DriverURL: "nohost",
		NumExecutors: 0, ExecutorMemoryMB: -1, ExecutorCores: 0,
		ExecutorResources:   map[string]string{"../x": "http://example.com/x"},
		ExecutorEnv:         map[string]string{"A=B": "x"},
		DriverEnv:           map[string]string{"D": "1"},
		Conf:                map[string]string{protocol.ConfMaxExecutorFailures: "many", ConfAMWaitTime: "soon", "spark.executorEnv.a b": "x"},
		MaxExecutorFailures: -1, ExecutorImage: "a b",
	}
	err := o.Validate()
	if !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{
		"--driver-url", "--arg", "--driver-env", "--binary", "--num-executors", "--executor-memory", "--executor-cores",
		"--executor-resource", "--executor-env", "spark.yarn.max.executor.failures", "spark.yarn.am.waitTime",
		"spark.executorEnv.a b", "--max-executor-failures", "--executor-image", "--driver-timeout",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
	if err := validOptions().Validate(); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestValidateModes(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Options)
		want string // "" = valid
	}{
		{"cluster", func(*Options) {}, ""},
		{"cluster with a driver url", func(o *Options) { o.DriverURL = "h:1" }, "--driver-url is for client mode"},
		{"client", func(o *Options) { o.DeployMode, o.DriverURL = Client, "10.0.0.1:7077" }, ""},
		{"client without url", func(o *Options) { o.DeployMode = Client }, "client mode needs --driver-url"},
		{"client with a bad port", func(o *Options) { o.DeployMode, o.DriverURL = Client, "h:0" }, "port"},
		{"unknown mode", func(o *Options) { o.DeployMode = "local" }, `--deploy-mode "local"`},
		{"binary not shipped", func(o *Options) { o.Binary = "other" }, "not among the --executor-resource names"},
		{"absolute path resource", func(o *Options) { o.ExecutorResources["f"] = "/staging/f" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := validOptions()
			tc.edit(&o)
			err := o.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestMaxFailures(t *testing.T) {
	tests := []struct {
		n, flag int
		conf    string
		want    int
	}{
		{1, 0, "", 3}, {2, 0, "", 4}, {5, 0, "", 10}, {5, 7, "", 7}, {5, 0, "2", 2}, {5, 6, "2", 6},
	}
	for _, tc := range tests {
		o := validOptions()
		o.NumExecutors, o.MaxExecutorFailures = tc.n, tc.flag
		if tc.conf != "" {
			o.Conf = map[string]string{protocol.ConfMaxExecutorFailures: tc.conf}
		}
		if got := o.MaxFailures(); got != tc.want {
			t.Errorf("N=%d flag=%d conf=%q: %d, want %d", tc.n, tc.flag, tc.conf, got, tc.want)
		}
	}
}

func TestDriverStartTimeout(t *testing.T) {
	for conf, want := range map[string]time.Duration{"": 100 * time.Second, "30s": 30 * time.Second, "1500": 1500 * time.Millisecond} {
		o := validOptions()
		if conf != "" {
			o.Conf = map[string]string{ConfAMWaitTime: conf}
		}
		if got := o.DriverStartTimeout(); got != want {
			t.Errorf("%q: %s, want %s", conf, got, want)
		}
	}
}

func TestParsePairs(t *testing.T) {
	got, err := ParsePairs("--conf", []string{"a=1", "b=x=y", "a=2", "c="})
	if err != nil || got["a"] != "2" || got["b"] != "x=y" || got["c"] != "" || len(got) != 3 {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"novalue", "=v"} {
		if _, err := ParsePairs("--conf", []string{bad}); !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), "--conf") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestDriverEnvironPrecedence(t *testing.T) {
	o := validOptions()
	o.NumExecutors, o.ExecutorCores = 4, 3
	o.Conf = map[string]string{protocol.ConfAMEnvPrefix + "MODE": "conf", protocol.ConfAMEnvPrefix + "ONLY_CONF": "c"}
	o.DriverEnv = map[string]string{"MODE": "flag", protocol.EnvRole: "executor"}
	base := []string{"PATH=/bin", api.EnvAMToken + "=secret", "MODE=am", "junk"}
	env := map[string]string{}
	for _, kv := range o.DriverEnviron(base, api.ApplicationID{ClusterTimestamp: 1, Seq: 2}, "h1", "/w/driver-info.json") {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	want := map[string]string{
		"PATH": "/bin", "MODE": "flag", "ONLY_CONF": "c", protocol.EnvRole: protocol.RoleDriver,
		protocol.EnvDriverHost: "h1", protocol.EnvDriverInfoFile: "/w/driver-info.json", protocol.EnvAppID: "application_1_0002",
		protocol.EnvExecutors: "4", protocol.EnvExecutorCores: "3",
		protocol.EnvConf: `{"spark.yarn.appMasterEnv.MODE":"conf","spark.yarn.appMasterEnv.ONLY_CONF":"c"}`,
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if _, ok := env[api.EnvAMToken]; ok || len(env) != len(want) {
		t.Errorf("env %v: want exactly %v", env, want)
	}
}

func TestExecutorCommandQuotesOddNames(t *testing.T) {
	o := validOptions()
	o.Binary = "my app's"
	if got := strings.Join(o.ExecutorLaunch(api.ApplicationID{}, "h:1", "1").Commands, " "); got != `'./my app'\''s' 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr` {
		t.Errorf("command %s", got)
	}
}

func TestCountsAsFailure(t *testing.T) {
	for exit, want := range map[int]bool{
		1: true, 137: true, 0: true, api.ExitKilledExceededPMem: true, api.ExitKilledExceededVMem: true, api.ExitInvalid: true,
		api.ExitPreempted: false, api.ExitAborted: false, api.ExitDisksFailed: false,
		api.ExitKilledByAppMaster: false, api.ExitKilledByResourceManager: false, api.ExitKilledAfterAppCompletion: false,
	} {
		if got := countsAsFailure(exit); got != want {
			t.Errorf("exit %d: counts %v, want %v", exit, got, want)
		}
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	tb := &tailBuffer{max: 32}
	for _, s := range []string{"first line\n", "second line\n", "third line\n", "panic: boom\n"} {
		_, _ = tb.Write([]byte(s))
	}
	if got := tb.String(); got != "third line\npanic: boom" {
		t.Errorf("tail %q", got)
	}
	small := &tailBuffer{max: 100}
	_, _ = small.Write([]byte("  only\n"))
	if got := small.String(); got != "only" {
		t.Errorf("tail %q", got)
	}
	if lines := strings.Split(tb.String(), "\n"); slices.Contains(lines, "first line") {
		t.Errorf("kept %q", lines)
	}
}
