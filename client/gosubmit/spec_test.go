package gosubmit

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// specFixture is a directory with an executable "pi", a data file and an
// appmaster.
type specFixture struct {
	dir, bin, data, am string
}

func newSpecFixture(t *testing.T) specFixture {
	t.Helper()
	dir := t.TempDir()
	f := specFixture{dir: dir, bin: filepath.Join(dir, "pi"), data: filepath.Join(dir, "data.txt"), am: filepath.Join(dir, "appmaster")}
	for p, mode := range map[string]os.FileMode{f.bin: 0o755, f.data: 0o644, f.am: 0o755} {
		if err := os.WriteFile(p, []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// parse runs the command line through the real flags and parseSpec.
func parse(t *testing.T, f specFixture, env map[string]string, args ...string) (*spec, error) {
	t.Helper()
	o := &Options{Getenv: func(k string) string { return env[k] }, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	o.setDefaults()
	var sp *spec
	var perr error
	app := newApp(o, func(c *cli.Context) error {
		sp, perr = parseSpec(c, o)
		return nil
	})
	full := append([]string{"gosubmit", "--appmaster-binary", f.am}, args...)
	if err := app.Run(full); err != nil {
		return nil, err
	}
	return sp, perr
}

func TestParseSpecDefaults(t *testing.T) {
	f := newSpecFixture(t)
	sp, err := parse(t, f, nil, f.bin)
	if err != nil {
		t.Fatal(err)
	}
	want := spec{mode: modeClient, name: "pi", queue: "default", driverMB: 1024, driverCores: 1, executorMB: 1024,
		executorCores: 1, executors: 2, amMB: 512, amCores: 1, driverHost: "127.0.0.1", wait: true, logEvery: 30}
	got := spec{mode: sp.mode, name: sp.name, queue: sp.queue, driverMB: sp.driverMB, driverCores: sp.driverCores,
		executorMB: sp.executorMB, executorCores: sp.executorCores, executors: sp.executors, amMB: sp.amMB, amCores: sp.amCores,
		driverHost: sp.driverHost, wait: sp.wait, logEvery: sp.logEvery}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
	if len(sp.rms) != 1 || sp.rms[0].Addr != "127.0.0.1:8088" || sp.stagingDir != "/tmp/goyarn/staging" ||
		sp.binary.key != "pi" || sp.binary.path != f.bin || len(sp.args) != 0 || sp.reportInterval.String() != "1s" {
		t.Errorf("spec = %+v", sp)
	}
	if sp.conf[protocol.ConfExecutorMemory] != "1024m" || sp.conf[protocol.ConfAMMemory] != "512m" ||
		sp.conf[confDeployMode] != "client" || sp.conf[protocol.ConfDriverHost] != "127.0.0.1" {
		t.Errorf("conf = %v", sp.conf)
	}
}

func TestParseSpecForms(t *testing.T) {
	f := newSpecFixture(t)
	for _, tc := range []struct {
		name  string
		env   map[string]string
		args  []string
		check func(*spec) bool
	}{
		{"space and equals forms, app args after the binary", nil,
			[]string{"--deploy-mode=cluster", "--executor-memory", "2g", "--driver-memory=512m", "--num-executors", "5",
				"--executor-cores=3", "--name", "my app", f.bin, "100", "--verbose", "--num-executors", "7"},
			func(sp *spec) bool {
				return sp.mode == modeCluster && sp.executorMB == 2048 && sp.driverMB == 512 && sp.executors == 5 &&
					sp.executorCores == 3 && sp.name == "my app" && !sp.verbose && sp.amMB == 512 && sp.amCores == 1 &&
					reflect.DeepEqual(sp.args, []string{"100", "--verbose", "--num-executors", "7"})
			}},
		{"-- ends the options", nil, []string{"--verbose", "--", f.bin, "-x"},
			func(sp *spec) bool { return sp.verbose && reflect.DeepEqual(sp.args, []string{"-x"}) }},
		{"total-executor-cores sets the count", nil, []string{"--total-executor-cores", "8", "--executor-cores", "3", f.bin},
			func(sp *spec) bool { return sp.executors == 2 && sp.conf[protocol.ConfExecutorInstances] == "2" }},
		{"total-executor-cores with default cores", nil, []string{"--total-executor-cores", "6", f.bin},
			func(sp *spec) bool { return sp.executors == 6 }},
		{"num-executors beats total-executor-cores", nil, []string{"--total-executor-cores", "8", "--num-executors", "3", f.bin},
			func(sp *spec) bool { return sp.executors == 3 }},
		{"spark.cores.max is total-executor-cores", nil, []string{"--conf", "spark.cores.max=4", "--executor-cores", "2", f.bin},
			func(sp *spec) bool { return sp.executors == 2 }},
		{"flags beat --conf, --conf beats defaults", nil,
			[]string{"--conf", "spark.executor.memory=3g", "--conf", "spark.driver.memory=2g", "--driver-memory", "1g",
				"-c", "spark.executor.instances=4", "--conf", "spark.yarn.queue=etl", f.bin},
			func(sp *spec) bool {
				return sp.executorMB == 3072 && sp.driverMB == 1024 && sp.executors == 4 && sp.queue == "etl"
			}},
		{"--conf values keep commas and equals signs", nil,
			[]string{"--conf", "spark.executorEnv.LIST=a,b=c", "--conf", "spark.yarn.appMasterEnv.X=1", "--conf", "custom.key=v", f.bin},
			func(sp *spec) bool {
				return sp.executorEnv["LIST"] == "a,b=c" && sp.amEnv["X"] == "1" && sp.conf["custom.key"] == "v"
			}},
		{"--files: commas, repeats, aliases, file:// URLs", nil,
			[]string{"--files", f.data + ",file://" + f.data + "#copy.txt", "--files", f.data + "#third", f.bin},
			func(sp *spec) bool {
				return reflect.DeepEqual(sp.files, []stagedFile{{"data.txt", f.data}, {"copy.txt", f.data}, {"third", f.data}})
			}},
		{"legacy yarn-cluster master", nil, []string{"--master", "yarn-cluster", f.bin},
			func(sp *spec) bool { return sp.mode == modeCluster && sp.rms[0].Addr == "127.0.0.1:8088" }},
		{"legacy yarn-client master", nil, []string{"--master", "yarn-client", "--deploy-mode", "client", f.bin},
			func(sp *spec) bool { return sp.mode == modeClient }},
		{"yarn reads GOYARN_RM_ADDRESSES", map[string]string{"GOYARN_RM_ADDRESSES": "h1:8088,h2:9000"}, []string{f.bin},
			func(sp *spec) bool { return len(sp.rms) == 2 && sp.rms[1].Addr == "h2:9000" }},
		{"goyarn:// master", nil, []string{"--master", "goyarn://a:1,b:2", f.bin},
			func(sp *spec) bool { return len(sp.rms) == 2 && sp.rms[0].Addr == "a:1" }},
		{"--no-wait and waitAppCompletion", nil, []string{"--deploy-mode", "cluster", "--no-wait", f.bin},
			func(sp *spec) bool { return !sp.wait }},
		{"waitAppCompletion=false", nil, []string{"--deploy-mode", "cluster", "--conf", "spark.yarn.submit.waitAppCompletion=FALSE", f.bin},
			func(sp *spec) bool { return !sp.wait }},
		{"max attempts", nil, []string{"--max-attempts", "3", f.bin},
			func(sp *spec) bool { return sp.maxAttempts == 3 && sp.conf[protocol.ConfMaxAppAttempts] == "3" }},
		{"spark.yarn.maxAppAttempts", nil, []string{"--conf", "spark.yarn.maxAppAttempts=4", f.bin},
			func(sp *spec) bool { return sp.maxAttempts == 4 }},
		{"client mode AM sizes", nil, []string{"--conf", "spark.yarn.am.memory=1g", "--conf", "spark.yarn.am.cores=2", f.bin},
			func(sp *spec) bool { return sp.amMB == 1024 && sp.amCores == 2 }},
		{"cluster mode AM is the driver", nil, []string{"--deploy-mode", "cluster", "--driver-memory", "2g", "--driver-cores", "2", f.bin},
			func(sp *spec) bool { return sp.amMB == 2048 && sp.amCores == 2 }},
		{"report interval and frequency", nil,
			[]string{"--conf", "spark.yarn.report.interval=250", "--conf", "spark.yarn.report.loggingFrequency=5", f.bin},
			func(sp *spec) bool { return sp.reportInterval.String() == "250ms" && sp.logEvery == 5 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, err := parse(t, f, tc.env, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(sp) {
				t.Errorf("spec = %+v", sp)
			}
		})
	}
}

func TestParseSpecBadInput(t *testing.T) {
	f := newSpecFixture(t)
	dirAsFile := filepath.Join(f.dir, "sub")
	if err := os.Mkdir(dirAsFile, 0o755); err != nil {
		t.Fatal(err)
	}
	am := filepath.Join(f.dir, "sub", "appmaster")
	if err := os.WriteFile(am, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing the application binary"},
		{[]string{"--executor-memory", "12x", f.bin}, `--executor-memory: bad size "12x": invalid suffix "x"`},
		{[]string{"--driver-memory", "1.5g", f.bin}, "fractional values are not supported"},
		{[]string{"--driver-memory", "100k", f.bin}, "must be at least 1m"},
		{[]string{"--num-executors", "0", f.bin}, "Number of executors must be a positive number, got 0"},
		{[]string{"--executor-cores", "-1", f.bin}, "--executor-cores must be a positive number, got -1"},
		{[]string{"--driver-cores", "0", f.bin}, "--driver-cores must be a positive number"},
		{[]string{"--total-executor-cores", "1", "--executor-cores", "2", f.bin}, "--total-executor-cores 1 is less than --executor-cores 2"},
		{[]string{"--deploy-mode", "both", f.bin}, `--deploy-mode must be client or cluster, got "both"`},
		{[]string{"--master", "yarn-cluster", "--deploy-mode", "client", f.bin}, `Client deploy mode is not compatible with master "yarn-cluster"`},
		{[]string{"--master", "local[*]", f.bin}, "--master local[*] is not supported"},
		{[]string{"--master", "spark://h:7077", f.bin}, "--master must be yarn or goyarn://"},
		{[]string{filepath.Join(f.dir, "missing")}, "does not exist"},
		{[]string{f.data}, "is not executable"},
		{[]string{dirAsFile}, "is not a regular file"},
		{[]string{am}, "the name appmaster is taken"},
		{[]string{"--files", filepath.Join(f.dir, "nope.txt"), f.bin}, "nope.txt does not exist"},
		{[]string{"--files", "hdfs://nn/x.txt", f.bin}, "only local files can be staged"},
		{[]string{"--files", f.data + "#pi", f.bin}, "the name pi is already taken by the application binary"},
		{[]string{"--files", f.data + "," + f.data, f.bin}, "the name data.txt is already taken"},
		{[]string{"--files", f.data + "#a/b", f.bin}, "must be a plain file name"},
		{[]string{"--conf", "novalue", f.bin}, `--conf "novalue": want key=value`},
		{[]string{"--conf", "spark.executor.instances=0", f.bin}, "spark.executor.instances=0: want a whole number of at least 1"},
		{[]string{"--conf", "spark.yarn.submit.waitAppCompletion=yes", f.bin}, "want true or false"},
		{[]string{"--conf", "spark.scheduler.minRegisteredResourcesRatio=2", f.bin}, "want a number within 0-1"},
		{[]string{"--conf", "spark.network.timeout=5 parsecs", f.bin}, "want a duration"},
		{[]string{"--conf", "spark.executorEnv.=x", f.bin}, "is not an environment variable name"},
		{[]string{"--no-wait", f.bin}, "--no-wait applies to cluster mode only"},
		{[]string{"--follow", f.bin}, "--follow applies to cluster mode only"},
		{[]string{"--deploy-mode", "cluster", "--follow", "--no-wait", f.bin}, "--follow and --no-wait exclude each other"},
		{[]string{"--max-attempts", "0", f.bin}, "--max-attempts must be a positive number"},
		{[]string{"--queue", "", f.bin}, "--queue must not be empty"},
		{[]string{"--auth-token-file", filepath.Join(f.dir, "none"), f.bin}, "auth token file"},
	} {
		_, err := parse(t, f, nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: err = %v; want one line with %q", tc.args, err, tc.want)
		}
	}
	// Several problems are reported together, on one line.
	_, err := parse(t, f, nil, "--num-executors", "0", "--executor-memory", "x", f.bin)
	if err == nil || !strings.Contains(err.Error(), "; ") {
		t.Errorf("two problems: %v", err)
	}
}

func TestFindAppmaster(t *testing.T) {
	dir := t.TempDir()
	next := filepath.Join(dir, "appmaster")
	if err := os.WriteFile(next, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := &Options{Executable: func() (string, error) { return filepath.Join(dir, "gosubmit"), nil },
		LookPath: func(string) (string, error) { return "/usr/bin/appmaster", nil }}
	if p, err := findAppmaster("", o); err != nil || p != next {
		t.Errorf("next to gosubmit: %q, %v", p, err)
	}
	o.Executable = func() (string, error) { return "", errors.New("unknown") }
	if p, err := findAppmaster("", o); err != nil || p != "/usr/bin/appmaster" {
		t.Errorf("on PATH: %q, %v", p, err)
	}
	o.LookPath = func(string) (string, error) { return "", errors.New("not found") }
	if _, err := findAppmaster("", o); err == nil || !strings.Contains(err.Error(), "--appmaster-binary") {
		t.Errorf("nowhere: %v", err)
	}
}
