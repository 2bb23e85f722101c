package gosubmit_test

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

var succeeded = []step{{state: api.AppAccepted}, {state: api.AppRunning}, {state: api.AppFinished, final: api.FinalSucceeded}}

func staged(f fixture, name string) string {
	return (&url.URL{Scheme: "file", Path: filepath.Join(f.staging, appID.String(), name)}).String()
}

// stat is the --executor-resource-stat value of the AM's local resource
// name: the staged size and time, as the submission recorded them.
func stat(t *testing.T, spec *yarn.AMContainerSpec, name string) string {
	t.Helper()
	for _, e := range spec.LocalResources.Entry {
		if e.Key == name {
			if e.Value.Size <= 0 || e.Value.Timestamp <= 0 {
				t.Errorf("local resource %s recorded no size or time: %+v", name, e.Value)
			}
			return fmt.Sprintf("%s=%d:%d", name, e.Value.Size, e.Value.Timestamp)
		}
	}
	t.Fatalf("no local resource %s in %+v", name, spec.LocalResources.Entry)
	return ""
}

// shellArgs runs an AM command line through /bin/sh with a fake appmaster
// that prints its arguments NUL-separated, and returns them.
func shellArgs(t *testing.T, command string) []string {
	t.Helper()
	work, logs := t.TempDir(), t.TempDir()
	fake := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n"
	if err := os.WriteFile(filepath.Join(work, "appmaster"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", "-c", strings.ReplaceAll(command, api.PlaceholderLogDir, logs))
	cmd.Dir = work
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sh -c %s: %v: %s", command, err, out)
	}
	data, err := os.ReadFile(filepath.Join(logs, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}

func TestClusterModeSubmission(t *testing.T) {
	f, c := newFixture(t), newCluster(t, succeeded...)
	var stdout, stderr syncBuffer
	args := f.common(c, "--deploy-mode", "cluster", "--name", "Pi app", "--queue", "etl", "--driver-memory", "2g",
		"--driver-cores", "2", "--executor-memory", "1536m", "--executor-cores", "2", "--num-executors", "3",
		"--max-attempts", "2", "--files", f.data+"#in put.txt", "--image", "goyarn/exec:1",
		"--conf", "spark.executorEnv.GREETING=hello 'world'", "--conf", "spark.yarn.appMasterEnv.MODE=$HOME",
		"--conf", "custom.key=a;b|c", f.bin, "100", `it's "quoted" $HOME `+"`date`", "multi\nline", "")
	res := run(context.Background(), baseOptions(&stdout, &stderr), args...)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.err)
	}
	subs := c.submissions()
	if len(subs) != 1 {
		t.Fatalf("%d submissions", len(subs))
	}
	s := subs[0]
	if s.ApplicationID != appID.String() || s.ApplicationName != "Pi app" || s.Queue != "etl" || s.ApplicationType != "SPARK" ||
		s.MaxAppAttempts != 2 || s.Resource == nil || *s.Resource != api.Res(2048, 2) || s.UnmanagedAM {
		t.Errorf("submission = %+v", s)
	}
	spec := s.AMContainerSpec
	var keys []string
	for _, e := range spec.LocalResources.Entry {
		keys = append(keys, e.Key)
		if e.Value.Resource != staged(f, e.Key) || e.Value.Type != api.ResourceFile || e.Value.Size <= 0 {
			t.Errorf("local resource %s = %+v", e.Key, e.Value)
		}
	}
	if !reflect.DeepEqual(keys, []string{"appmaster", "in put.txt", "pi"}) {
		t.Errorf("local resources %v", keys)
	}
	if len(spec.Environment.Entry) != 2 || spec.Environment.Entry[0] != (yarn.KeyValue{Key: protocol.EnvSecret, Value: testSecret}) ||
		spec.Environment.Entry[1] != (yarn.KeyValue{Key: "MODE", Value: "$HOME"}) {
		t.Errorf("AM environment %+v", spec.Environment.Entry)
	}
	if strings.Contains(strings.Join(spec.Commands.Command, " "), testSecret) {
		t.Errorf("the secret is on the AM's command line")
	}
	if len(spec.Commands.Command) != 1 {
		t.Fatalf("commands %q", spec.Commands.Command)
	}
	command := spec.Commands.Command[0]
	if !strings.HasPrefix(command, "'./appmaster' 'spark' '--deploy-mode' 'cluster' ") ||
		!strings.HasSuffix(command, " 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr") {
		t.Errorf("command %s", command)
	}
	want := []string{"spark", "--deploy-mode", "cluster", "--binary", "pi",
		"--arg", "100", "--arg", `it's "quoted" $HOME ` + "`date`", "--arg", "multi\nline", "--arg", "",
		"--num-executors", "3", "--executor-memory", "1536", "--executor-cores", "2",
		"--executor-resource", "pi=" + staged(f, "pi"), "--executor-resource-stat", stat(t, spec, "pi"),
		"--executor-resource", "in put.txt=" + staged(f, "in put.txt"), "--executor-resource-stat", stat(t, spec, "in put.txt"),
		"--executor-env", "GREETING=hello 'world'",
		"--driver-env", "MODE=$HOME",
		"--conf", "custom.key=a;b|c",
		"--conf", "spark.app.name=Pi app",
		"--conf", "spark.driver.cores=2",
		"--conf", "spark.driver.memory=2048m",
		"--conf", "spark.executor.cores=2",
		"--conf", "spark.executor.instances=3",
		"--conf", "spark.executor.memory=1536m",
		"--conf", "spark.master=yarn",
		"--conf", "spark.submit.deployMode=cluster",
		"--conf", "spark.yarn.maxAppAttempts=2",
		"--conf", "spark.yarn.queue=etl",
		"--conf", "spark.yarn.report.interval=5ms",
		"--executor-image", "goyarn/exec:1"}
	if got := shellArgs(t, command); !reflect.DeepEqual(got, want) {
		t.Errorf("the AM gets\n%q\nwant\n%q", got, want)
	}
	if _, err := os.Stat(filepath.Join(f.staging, appID.String())); !os.IsNotExist(err) {
		t.Errorf("staging directory left behind: %v", err)
	}
}

func TestClusterModeOutput(t *testing.T) {
	f, c := newFixture(t), newCluster(t, succeeded...)
	var stdout, stderr syncBuffer
	res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, "--deploy-mode", "cluster", f.bin)...)
	id := appID.String()
	details := func(host, port, final string) string {
		return "24/05/06 07:08:09 INFO Client: \n" +
			"\t client token: N/A\n" +
			"\t diagnostics: N/A\n" +
			"\t ApplicationMaster host: " + host + "\n" +
			"\t ApplicationMaster RPC port: " + port + "\n" +
			"\t queue: default\n" +
			"\t start time: 1700000000123\n" +
			"\t final status: " + final + "\n" +
			"\t tracking URL: http://rm:8088/proxy/" + id + "/\n" +
			"\t user: alice\n"
	}
	want := "24/05/06 07:08:09 INFO Client: Requesting a new application from cluster with 3 NodeManagers\n" +
		"24/05/06 07:08:09 INFO Client: Verifying our application has not requested more than the maximum memory capability of the cluster (8192 MB per container)\n" +
		"24/05/06 07:08:09 INFO Client: Will allocate AM container, with 1024 MB memory\n" +
		"24/05/06 07:08:09 INFO Client: Uploading resource file:" + f.am + " -> " + staged(f, "appmaster") + "\n" +
		"24/05/06 07:08:09 INFO Client: Uploading resource file:" + f.bin + " -> " + staged(f, "pi") + "\n" +
		"24/05/06 07:08:09 INFO Client: Submitting application " + id + " to ResourceManager\n" +
		"24/05/06 07:08:09 INFO YarnClientImpl: Submitted application " + id + "\n" +
		"24/05/06 07:08:09 INFO Client: The driver's output goes to the ApplicationMaster container's stdout: goyarn logs -applicationId " + id + " -am 1 -log_files stdout\n" +
		"24/05/06 07:08:09 INFO Client: Application report for " + id + " (state: ACCEPTED)\n" +
		details("N/A", "-1", "UNDEFINED") +
		"24/05/06 07:08:09 INFO Client: Application report for " + id + " (state: RUNNING)\n" +
		details("nm1", "45454", "UNDEFINED") +
		"24/05/06 07:08:09 INFO Client: Driver Logs (stdout): http://nm1:8042/node/containerlogs/container_1700000000000_0001_01_000001/alice/stdout\n" +
		"24/05/06 07:08:09 INFO Client: Application report for " + id + " (state: FINISHED)\n" +
		details("nm1", "45454", "SUCCEEDED") +
		"24/05/06 07:08:09 INFO Client: Deleted staging directory file://" + filepath.Join(f.staging, id) + "\n"
	if res.code != 0 || res.out != "" || res.err != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", res.code, res.out, res.err, want)
	}
}

func TestClusterModeExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		last  step
		code  int
		lines []string
	}{
		{"succeeded", step{state: api.AppFinished, final: api.FinalSucceeded}, 0, nil},
		{"failed status", step{state: api.AppFinished, final: api.FinalFailed, diag: "driver panicked: boom"}, 1,
			[]string{"ERROR Client: Application diagnostics message: driver panicked: boom", "ERROR Client: Application " + appID.String() + " finished with failed status"}},
		{"failed state", step{state: api.AppFailed, final: api.FinalFailed, diag: "AM container exited with 1"}, 1,
			[]string{"finished with failed status"}},
		{"killed", step{state: api.AppKilled, final: api.FinalKilled}, 1, []string{"ERROR Client: Application " + appID.String() + " is killed"}},
		{"undefined", step{state: api.AppFinished, final: api.FinalUndefined}, 1, []string{"The final status of application " + appID.String() + " is undefined"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFixture(t), newCluster(t, step{state: api.AppAccepted}, tc.last)
			var stdout, stderr syncBuffer
			res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, "--deploy-mode", "cluster", f.bin)...)
			if res.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", res.code, tc.code, res.err)
			}
			for _, l := range tc.lines {
				if !strings.Contains(res.err, l) {
					t.Errorf("stderr lacks %q:\n%s", l, res.err)
				}
			}
		})
	}
}

func TestClusterModeReportFrequencyAndProgress(t *testing.T) {
	script := []step{{state: api.AppAccepted}}
	for range 5 {
		script = append(script, step{state: api.AppRunning})
	}
	script = append(script, step{state: api.AppFinished, final: api.FinalSucceeded})
	running := "Application report for " + appID.String() + " (state: RUNNING)\n"

	// Not a terminal: the state line on a change and every 2 reports.
	f, c := newFixture(t), newCluster(t, script...)
	var stdout, stderr syncBuffer
	res := run(context.Background(), baseOptions(&stdout, &stderr),
		f.common(c, "--deploy-mode", "cluster", "--conf", "spark.yarn.report.loggingFrequency=2", f.bin)...)
	if res.code != 0 || strings.Count(res.err, running) != 2 || strings.Count(res.err, "\t client token") != 3 || strings.Contains(res.err, "\r") {
		t.Errorf("plain output, exit %d:\n%s", res.code, res.err)
	}

	// A terminal: the live line instead of the periodic ones.
	f, c = newFixture(t), newCluster(t, script...)
	stdout, stderr = syncBuffer{}, syncBuffer{}
	o := baseOptions(&stdout, &stderr)
	o.IsTerminal = func(io.Writer) bool { return true }
	res = run(context.Background(), o, f.common(c, "--deploy-mode", "cluster", "--conf", "spark.yarn.report.loggingFrequency=2", f.bin)...)
	live := "\r\x1b[K" + appID.String() + ": RUNNING, progress 50%, elapsed 0:00:00"
	if res.code != 0 || strings.Count(res.err, running) != 1 || strings.Count(res.err, live) != 5 ||
		!strings.Contains(res.err, live+"\r\x1b[K24/05/06 07:08:09 INFO Client: Application report for "+appID.String()+" (state: FINISHED)\n") {
		t.Errorf("terminal output, exit %d:\n%q", res.code, res.err)
	}
}

func TestClusterModeNoWait(t *testing.T) {
	f, c := newFixture(t), newCluster(t, step{state: api.AppAccepted})
	var stdout, stderr syncBuffer
	res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, "--deploy-mode", "cluster", "--no-wait", f.bin)...)
	gets := 0
	for _, r := range c.Received() {
		if r.Method == "GET" && r.Path == "/ws/v1/cluster/apps/"+appID.String() {
			gets++
		}
	}
	if res.code != 0 || gets != 1 || !strings.Contains(res.err, "(state: ACCEPTED)\n") ||
		!strings.Contains(res.err, "Not waiting for application "+appID.String()) {
		t.Errorf("exit %d, %d reports:\n%s", res.code, gets, res.err)
	}
	if _, err := os.Stat(filepath.Join(f.staging, appID.String(), "pi")); err != nil {
		t.Errorf("staged files must stay for the running application: %v", err)
	}
}

func TestClusterModeInterruptOnlyStopsWaiting(t *testing.T) {
	f, c := newFixture(t), newCluster(t, step{state: api.AppAccepted}, step{state: api.AppRunning})
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for !strings.Contains(stderr.String(), "(state: RUNNING)") {
			if ctx.Err() != nil {
				return
			}
			waitTick()
		}
		cancel() // what SIGINT does to the context cmd/gosubmit passes in
	}()
	res := run(ctx, baseOptions(&stdout, &stderr), f.common(c, "--deploy-mode", "cluster", f.bin)...)
	id := appID.String()
	if res.code != 130 || !strings.Contains(res.err, "Stopped waiting; application "+id+" keeps running. To kill it: goyarn application -kill "+id) {
		t.Errorf("exit %d:\n%s", res.code, res.err)
	}
	if c.kills() != 0 {
		t.Error("cluster mode killed the application on Ctrl-C")
	}
	if _, err := os.Stat(filepath.Join(f.staging, id, "pi")); err != nil {
		t.Errorf("staged files must stay for the running application: %v", err)
	}
}

func TestClusterModeFollow(t *testing.T) {
	nm := clienttest.NewNM(t)
	cid := api.ContainerID{Attempt: api.AttemptID{App: appID, Attempt: 1}, Seq: 1}
	var content strings.Builder
	grow := func(s string) func() {
		return func() {
			content.WriteString(s)
			nm.Lock()
			nm.Logs[cid] = []clienttest.LogFile{{Name: "stdout", Content: content.String()}, {Name: "stderr", Content: "noise\n"}}
			nm.Unlock()
		}
	}
	script := []step{{state: api.AppAccepted}}
	for i := range 6 {
		script = append(script, step{state: api.AppRunning, hook: grow(strings.Repeat("x", i) + "line\n")})
	}
	script = append(script, step{state: api.AppFinished, final: api.FinalSucceeded, hook: grow("Pi is roughly 3.14\n")})
	f, c := newFixture(t), newCluster(t, script...)
	c.Lock()
	c.Attempts[appID] = []yarn.AppAttempt{{ID: 1, ContainerID: cid, NodeHTTPAddress: nm.Addr()}}
	c.Unlock()
	var stdout, stderr syncBuffer
	res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, "--deploy-mode", "cluster", "--follow", f.bin)...)
	if res.code != 0 || res.out != content.String() {
		t.Errorf("exit %d, streamed %q, want %q\n%s", res.code, res.out, content.String(), res.err)
	}
	if !strings.Contains(res.err, "Following the driver's output (attempt 1, container "+cid.String()+" on "+nm.Addr()+")") {
		t.Errorf("stderr:\n%s", res.err)
	}
}
