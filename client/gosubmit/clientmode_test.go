package gosubmit_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/client/gosubmit"
)

// clientRun is a client-mode run whose user binary is this test binary in
// the given fake driver mode; release is the file that lets it exit.
type clientRun struct {
	f       fixture
	c       *cluster
	release string
	o       gosubmit.Options
	stdout  *syncBuffer
	stderr  *syncBuffer
}

func newClientRun(t *testing.T, mode string, exit int, script ...step) *clientRun {
	f := newFixture(t)
	cr := &clientRun{f: f, release: filepath.Join(f.dir, "release"), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	for i := range script {
		if script[i].release == "release" {
			script[i].release = cr.release
		}
	}
	cr.c = newCluster(t, script...)
	cr.o = baseOptions(cr.stdout, cr.stderr)
	cr.o.TempDir = f.dir
	cr.o.Environ = func() []string {
		// GORACE: a -race binary otherwise sleeps 1 s before it exits.
		return append(os.Environ(), "GORACE=atexit_sleep_ms=0", envFakeDriver+"="+mode, envFakeRelease+"="+cr.release, envFakeExit+"="+strconv.Itoa(exit))
	}
	return cr
}

func (cr *clientRun) run(ctx context.Context, args ...string) result {
	full := cr.f.common(cr.c, append([]string{"--deploy-mode", "client"}, args...)...)
	return run(ctx, cr.o, full...)
}

// driverPID is the pid the fake driver reported in its DriverInfo line.
func driverPID(t *testing.T, stderr string) int {
	t.Helper()
	m := regexp.MustCompile(`Started the driver \S+ \(pid (\d+)\)`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no driver pid in:\n%s", stderr)
	}
	pid, _ := strconv.Atoi(m[1])
	return pid
}

// gone reports whether no process pid exists (it was reaped).
func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

func TestClientModeRunsTheDriverHere(t *testing.T) {
	cr := newClientRun(t, "serve", 0, step{state: api.AppAccepted}, step{state: api.AppRunning}, step{state: api.AppRunning},
		step{state: api.AppFinished, final: api.FinalSucceeded, release: "release"})
	bin := testBinary(t)
	res := cr.run(context.Background(), "--num-executors", "3", "--executor-cores", "2", "--executor-memory", "2g",
		"--conf", "spark.executorEnv.FOO=b a r", "--conf", "spark.yarn.appMasterEnv.AMX=1", bin, "100", "two words")
	if res.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.out, res.err)
	}
	// The driver's output reached our stdout and stderr.
	id := appID.String()
	for _, want := range []string{`driver stdout: args=["100" "two words"]`,
		"driver env: role=driver app=" + id + " executors=3 cores=2", "driver stdout: done",
		"driver parent: " + strconv.Itoa(os.Getpid()) + "\n"} { // our child, not the shell's or init's
		if !strings.Contains(res.out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.out)
		}
	}
	if !strings.Contains(res.err, "driver stderr: starting\n") {
		t.Errorf("the driver's stderr is not ours:\n%s", res.err)
	}
	var conf map[string]string
	line := regexp.MustCompile(`(?m)^driver conf: (.*)$`).FindStringSubmatch(res.out)
	if line == nil || json.Unmarshal([]byte(line[1]), &conf) != nil || conf["spark.executor.instances"] != "3" ||
		conf["spark.executor.memory"] != "2048m" || conf["spark.submit.deployMode"] != "client" ||
		conf["spark.driver.host"] != "127.0.0.1" || conf["spark.executorEnv.FOO"] != "b a r" {
		t.Errorf("driver conf %v", line)
	}
	// Spark's client-mode lines, in order.
	url := regexp.MustCompile(`The driver is listening on (127\.0\.0\.1:\d+)`).FindStringSubmatch(res.err)
	if url == nil {
		t.Fatalf("no driver URL:\n%s", res.err)
	}
	order := []string{"Requesting a new application from cluster with 3 NodeManagers",
		"Will allocate AM container, with 512 MB memory", "Uploading resource file:" + bin,
		"Started the driver " + bin, "The driver is listening on", "Submitting application " + id,
		"INFO YarnClientImpl: Submitted application " + id, "(state: ACCEPTED)\n", "(state: RUNNING)\n",
		"INFO Client: Application " + id + " has started running.\n", "(state: FINISHED)\n", "Deleted staging directory"}
	at := 0
	for _, want := range order {
		i := strings.Index(res.err[at:], want)
		if i < 0 {
			t.Fatalf("stderr lacks %q after byte %d:\n%s", want, at, res.err)
		}
		at += i + len(want)
	}
	if strings.Count(res.err, "Application report for") != 3 {
		t.Errorf("reports after RUNNING are not quiet:\n%s", res.err)
	}
	// The submission: an executor launcher pointing at our driver.
	subs := cr.c.submissions()
	if len(subs) != 1 {
		t.Fatalf("%d submissions", len(subs))
	}
	s := subs[0]
	if *s.Resource != api.Res(512, 1) || s.ApplicationType != "SPARK" || s.ApplicationName != filepath.Base(bin) {
		t.Errorf("submission %+v", s)
	}
	want := []string{"spark", "--deploy-mode", "client", "--binary", filepath.Base(bin), "--driver-url", url[1],
		"--num-executors", "3", "--executor-memory", "2048", "--executor-cores", "2",
		"--executor-resource", filepath.Base(bin) + "=" + staged(cr.f, filepath.Base(bin)),
		"--executor-resource-stat", stat(t, s.AMContainerSpec, filepath.Base(bin)),
		"--executor-env", "FOO=b a r"}
	got := shellArgs(t, s.AMContainerSpec.Commands.Command[0])
	if len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
		t.Errorf("the AM gets\n%q\nwant it to start with\n%q", got, want)
	}
	for _, w := range []string{"spark.driver.host=127.0.0.1", "spark.yarn.am.memory=512m", "spark.yarn.am.cores=1"} {
		if !strings.Contains(strings.Join(got, "\n"), "--conf\n"+w) {
			t.Errorf("the AM lacks --conf %s: %q", w, got)
		}
	}
	if strings.Contains(strings.Join(got, " "), "--driver-env") || strings.Contains(strings.Join(got, " "), "--arg") {
		t.Errorf("client mode AM has driver words: %q", got)
	}
	// The application's secret travels in the AM's environment, never on its
	// command line.
	if env := s.AMContainerSpec.Environment.Entry; len(env) != 2 || env[0].Key != "AMX" ||
		env[1] != (yarn.KeyValue{Key: protocol.EnvSecret, Value: testSecret}) {
		t.Errorf("AM environment %+v", env)
	}
	if strings.Contains(strings.Join(got, " "), testSecret) {
		t.Errorf("the secret is on the AM's command line: %q", got)
	}
	if pid := driverPID(t, res.err); !gone(pid) {
		t.Errorf("driver %d still exists", pid)
	}
}

func TestClientModeDriverStatusWins(t *testing.T) {
	cr := newClientRun(t, "serve", 3, step{state: api.AppAccepted}, step{state: api.AppRunning},
		step{state: api.AppFinished, final: api.FinalSucceeded, release: "release"})
	res := cr.run(context.Background(), testBinary(t))
	if res.code != 3 || !strings.Contains(res.err, "ERROR Client: The driver exited with code 3") {
		t.Errorf("exit %d:\n%s", res.code, res.err)
	}
}

func TestClientModeDriverExitsFirst(t *testing.T) {
	script := []step{{state: api.AppAccepted}, {state: api.AppRunning, release: "release"}}
	for range 40 {
		script = append(script, step{state: api.AppRunning})
	}
	script = append(script, step{state: api.AppFinished, final: api.FinalSucceeded})
	cr := newClientRun(t, "serve", 0, script...)
	res := cr.run(context.Background(), testBinary(t))
	if res.code != 0 || !strings.Contains(res.out, "driver stdout: done") || !strings.Contains(res.err, "(state: FINISHED)") {
		t.Errorf("exit %d:\n%s", res.code, res.err)
	}
}

func TestClientModeAppNeverFinishesAfterDriver(t *testing.T) {
	cr := newClientRun(t, "serve", 0, step{state: api.AppAccepted}, step{state: api.AppRunning, release: "release"})
	cr.o.Now = time.Now // the wait is bounded by this clock
	cr.o.FinalStateWait = 200 * time.Millisecond
	res := cr.run(context.Background(), testBinary(t))
	if res.code != 1 || !strings.Contains(res.err, "did not finish within 200ms of the driver's exit; killing it") || cr.c.kills() == 0 {
		t.Errorf("exit %d, %d kills:\n%s", res.code, cr.c.kills(), res.err)
	}
}

func TestClientModeAppEndsFirst(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script []step
		want   string
	}{
		{"before running", []step{{state: api.AppAccepted}, {state: api.AppFailed, final: api.FinalFailed, diag: "AM container exited with 1"}},
			"ERROR Client: The YARN application has already ended! It might have been killed or the Application Master may have failed to start. Check the YARN application logs for more details."},
		{"after running", []step{{state: api.AppAccepted}, {state: api.AppRunning}, {state: api.AppKilled, final: api.FinalKilled, diag: "killed by alice"}},
			"ERROR Client: YARN application has exited unexpectedly with state KILLED! Check the YARN application logs for more details."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cr := newClientRun(t, "serve", 0, tc.script...)
			res := cr.run(context.Background(), testBinary(t))
			if res.code != 1 || !strings.Contains(res.err, tc.want) || !strings.Contains(res.err, "ERROR Client: Diagnostics message: "+tc.script[len(tc.script)-1].diag) {
				t.Errorf("exit %d:\n%s", res.code, res.err)
			}
			if !strings.Contains(res.out, "driver stdout: terminated") {
				t.Errorf("the driver was not stopped:\n%s", res.out)
			}
			if pid := driverPID(t, res.err); !gone(pid) {
				t.Errorf("driver %d still exists", pid)
			}
		})
	}
}

func TestClientModeDriverFailsToStart(t *testing.T) {
	cr := newClientRun(t, "crash", 0, succeeded...)
	res := cr.run(context.Background(), testBinary(t))
	if res.code != 3 || !strings.Contains(res.err, "driver: boom") ||
		!strings.Contains(res.err, "The driver exited with code 3 before it started listening; application "+appID.String()+" was not submitted") ||
		len(cr.c.submissions()) != 0 {
		t.Errorf("crash: exit %d:\n%s", res.code, res.err)
	}

	cr = newClientRun(t, "hang", 0, succeeded...)
	cr.o.DriverStartTimeout, cr.o.DriverStopGrace = 300*time.Millisecond, 2*time.Second
	res = cr.run(context.Background(), testBinary(t))
	if res.code != 1 || !strings.Contains(res.err, "The driver did not start listening within 300ms") || len(cr.c.submissions()) != 0 {
		t.Errorf("hang: exit %d:\n%s", res.code, res.err)
	}
	if pid := driverPID(t, res.err); !gone(pid) {
		t.Errorf("driver %d still exists", pid)
	}
	if _, err := os.Stat(filepath.Join(cr.f.staging, appID.String())); !os.IsNotExist(err) {
		t.Errorf("staging directory left behind: %v", err)
	}
}

func TestClientModeInterruptKillsTheApplication(t *testing.T) {
	cr := newClientRun(t, "serve", 0, step{state: api.AppAccepted}, step{state: api.AppRunning})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for !strings.Contains(cr.stderr.String(), "has started running.") {
			if ctx.Err() != nil {
				return
			}
			waitTick()
		}
		cancel() // what SIGINT does to the context cmd/gosubmit passes in
	}()
	res := cr.run(ctx, testBinary(t))
	if res.code != 130 || cr.c.kills() == 0 || !strings.Contains(res.err, "Interrupted: killing application "+appID.String()) ||
		!strings.Contains(res.err, "Application "+appID.String()+" is KILLED") {
		t.Errorf("exit %d, %d kills:\n%s", res.code, cr.c.kills(), res.err)
	}
	if !strings.Contains(res.out, "driver stdout: terminated") {
		t.Errorf("the driver was not stopped:\n%s", res.out)
	}
	if pid := driverPID(t, res.err); !gone(pid) {
		t.Errorf("driver %d still exists", pid)
	}
}
