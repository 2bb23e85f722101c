package goyarn_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
	"github.com/goyarn/goyarn/client/goyarn"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

// result is what one CLI run printed and its exit status.
type result struct {
	out, err string
	code     int
}

// runCLI runs goyarn with master and args through NewApp's machinery with
// captured output, fast failover and UTC times.
func runCLI(t *testing.T, master string, args ...string) result {
	t.Helper()
	return runWith(t, goyarn.Options{}, master, args...)
}

func runWith(t *testing.T, o goyarn.Options, master string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	o.Stdout, o.Stderr, o.Location = &out, &errb, time.UTC
	if o.PollInterval == 0 {
		o.PollInterval = 2 * time.Millisecond
	}
	o.ClientOptions = client.Options{FailoverWait: 200 * time.Millisecond, BackoffBase: 5 * time.Millisecond,
		BackoffMax: 20 * time.Millisecond, KillPoll: 2 * time.Millisecond}
	argv := append([]string{"goyarn", "--master", master, "--user", "alice"}, args...)
	err := goyarn.New(o).Run(argv)
	return result{out: out.String(), err: errb.String(), code: goyarn.ExitCode(err)}
}

// expect compares a run with the wanted output and status.
func expect(t *testing.T, got result, wantOut, wantErr string, wantCode int) {
	t.Helper()
	if got.out != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", visible(got.out), visible(wantOut))
	}
	if got.err != wantErr {
		t.Errorf("stderr:\n%q\nwant:\n%q", got.err, wantErr)
	}
	if got.code != wantCode {
		t.Errorf("exit status %d, want %d", got.code, wantCode)
	}
}

func visible(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\t", "→"), " ", "·")
}

var (
	app1 = api.ApplicationID{ClusterTimestamp: clienttest.ClusterTS, Seq: 1}
	app2 = api.ApplicationID{ClusterTimestamp: clienttest.ClusterTS, Seq: 2}
	app3 = api.ApplicationID{ClusterTimestamp: clienttest.ClusterTS, Seq: 3}
)

// clusterRM is a fake RM with three applications.
func clusterRM(t *testing.T) *clienttest.RM {
	rm := clienttest.NewRM(t)
	rm.Apps = []yarn.App{
		{ID: app1, Name: "DistributedShell", ApplicationType: "YARN", User: "alice", Queue: "default",
			State: api.AppRunning, FinalStatus: api.FinalUndefined, Progress: 10,
			TrackingURL: "http://rm:8088/proxy/" + app1.String() + "/", AMRPCAddress: "nm1:41234",
			StartedTime: 1700000001000, MemorySeconds: 4096, VcoreSeconds: 4, LogAggregationStatus: yarn.LogAggDisabled},
		{ID: app2, Name: "pi", ApplicationType: "SPARK", User: "bob", Queue: "prod",
			State: api.AppAccepted, FinalStatus: api.FinalUndefined, Progress: 55.555},
		{ID: app3, Name: "old", ApplicationType: "YARN", User: "alice", Queue: "default",
			State: api.AppFinished, FinalStatus: api.FinalSucceeded, Progress: 100, Diagnostics: "done"},
	}
	return rm
}

const appsHeader = "                Application-Id\t    Application-Name\t    Application-Type\t      User\t     Queue\t             State\t       Final-State\t       Progress\t                       Tracking-URL\n"

func TestApplicationList(t *testing.T) {
	rm := clusterRM(t)
	got := runCLI(t, rm.Addr(), "application", "-list")
	expect(t, got, "Total number of applications (application-types: [], states: [SUBMITTED, ACCEPTED, RUNNING] and tags: []):2\n"+
		appsHeader+
		"application_1700000000000_0001\t    DistributedShell\t                YARN\t     alice\t   default\t           RUNNING\t         UNDEFINED\t            10%\thttp://rm:8088/proxy/application_1700000000000_0001/\n"+
		"application_1700000000000_0002\t                  pi\t               SPARK\t       bob\t      prod\t          ACCEPTED\t         UNDEFINED\t         55.56%\t                                N/A\n",
		"", 0)
	reqs := rm.Received()
	if q := reqs[len(reqs)-1].RawQuery; !strings.Contains(q, "states=SUBMITTED%2CACCEPTED%2CRUNNING") || !strings.Contains(q, "user.name=alice") {
		t.Errorf("query %q", q)
	}

	got = runCLI(t, rm.Addr(), "app", "-list", "-appStates", "all", "-appTypes", "yarn, spark")
	first, _, _ := strings.Cut(got.out, "\n")
	if want := "Total number of applications (application-types: [SPARK, YARN], states: [NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED] and tags: []):3"; first != want || got.code != 0 {
		t.Errorf("ALL first line %q (status %d), want %q", first, got.code, want)
	}
	got = runCLI(t, rm.Addr(), "application", "--list", "--appStates", "FINISHED,RUNNING")
	first, _, _ = strings.Cut(got.out, "\n")
	if want := "Total number of applications (application-types: [], states: [RUNNING, FINISHED] and tags: []):2"; first != want {
		t.Errorf("first line %q, want %q", first, want)
	}

	expect(t, runCLI(t, rm.Addr(), "application", "-list", "-appStates", "RUNNING,BOGUS"), "",
		"The application state BOGUS is invalid.\nThe valid application state can be one of the following: ALL,NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING,FINISHED,FAILED,KILLED\n", 255)
}

func TestApplicationStatus(t *testing.T) {
	rm := clusterRM(t)
	expect(t, runCLI(t, rm.Addr(), "application", "-status", app1.String()), `Application Report : 
	Application-Id : application_1700000000000_0001
	Application-Name : DistributedShell
	Application-Type : YARN
	User : alice
	Queue : default
	Application Priority : 0
	Start-Time : 1700000001000
	Finish-Time : 0
	Progress : 10%
	State : RUNNING
	Final-State : UNDEFINED
	Tracking-URL : http://rm:8088/proxy/application_1700000000000_0001/
	RPC Port : 41234
	AM Host : nm1
	Aggregate Resource Allocation : 4096 MB-seconds, 4 vcore-seconds
	Aggregate Resource Preempted : 0 MB-seconds, 0 vcore-seconds
	Log Aggregation Status : DISABLED
	Diagnostics : 
	Unmanaged Application : false
	Application Node Label Expression : <Not set>
	AM container Node Label Expression : <DEFAULT_PARTITION>
	TimeoutType : LIFETIME	ExpiryTime : UNLIMITED	RemainingTime : -1seconds

`, "", 0)
	got := runCLI(t, rm.Addr(), "application", "-status", app2.String())
	if !strings.Contains(got.out, "\tProgress : 55.56%\n\tState : ACCEPTED\n") ||
		!strings.Contains(got.out, "\tTracking-URL : N/A\n\tRPC Port : -1\n\tAM Host : N/A\n") {
		t.Errorf("status of an accepted app:\n%s", got.out)
	}
	unknown := "application_1700000000000_0099"
	expect(t, runCLI(t, rm.Addr(), "application", "-status", unknown), "",
		"Application with id '"+unknown+"' doesn't exist in RM or Timeline Server.\n", 255)
	expect(t, runCLI(t, rm.Addr(), "application", "-status", "app_1"), "", "Invalid ApplicationId: app_1\n", 255)
}

func TestApplicationKill(t *testing.T) {
	rm := clusterRM(t)
	rm.Kill202 = 2
	expect(t, runCLI(t, rm.Addr(), "application", "-kill", app1.String()),
		"Killing application "+app1.String()+"\nKilled application "+app1.String()+"\n", "", 0)
	expect(t, runCLI(t, rm.Addr(), "application", "-kill", app3.String()),
		"Application "+app3.String()+" has already finished \n", "", 0)
	unknown := "application_1700000000000_0099"
	expect(t, runCLI(t, rm.Addr(), "application", "-kill", unknown), "",
		"Application with id '"+unknown+"' doesn't exist in RM.\n", 255)

	rm.Lock()
	rm.KillForbidden = "User bob cannot perform operation MODIFY_APP on " + app2.String()
	rm.Unlock()
	expect(t, runCLI(t, rm.Addr(), "application", "-kill", app2.String()),
		"Killing application "+app2.String()+"\n", rm.KillForbidden+"\n", 255)
}

func TestFollowsTheActiveThroughAStandby(t *testing.T) {
	active := clusterRM(t)
	standby := clienttest.NewRM(t)
	standby.SetStandby(active.Server.URL)
	got := runCLI(t, "goyarn://rm1="+clienttest.DeadAddr(t)+",rm2="+standby.Addr(), "application", "-list")
	if got.code != 0 || !strings.HasSuffix(strings.Split(got.out, "\n")[0], "):2") {
		t.Fatalf("list through a standby: %+v", got)
	}
	lost := clienttest.NewRM(t)
	lost.SetStandby("")
	got = runCLI(t, lost.Addr(), "application", "-list")
	if got.code != 255 || !strings.HasPrefix(got.err, "Waiting for an active ResourceManager among "+lost.Addr()+"…\n") ||
		!strings.Contains(got.err, "no active ResourceManager") {
		t.Errorf("no active RM: %+v", got)
	}
}

func TestUsageErrors(t *testing.T) {
	rm := clusterRM(t)
	for _, args := range [][]string{{"application", "-bogus"}, {"application"}, {"node"}, {"rmadmin"}} {
		got := runCLI(t, rm.Addr(), args...)
		if got.code != 255 || got.err == "" || got.out != "" {
			t.Errorf("%v: %+v", args, got)
		}
	}
	got := runCLI(t, "https://x:1", "application", "-list")
	if got.code != 255 || !strings.Contains(got.err, "only http://") {
		t.Errorf("bad master: %+v", got)
	}
}

func TestNewAppWritersAreInjectable(t *testing.T) {
	var out, errb bytes.Buffer
	app := goyarn.NewApp()
	app.Writer, app.ErrWriter = &out, &errb
	dead := clienttest.DeadAddr(t)
	err := app.Run([]string{"goyarn", "--master", dead, "--failover-wait", "0", "node", "-list"})
	if goyarn.ExitCode(err) != 255 || out.Len() != 0 ||
		!strings.HasPrefix(errb.String(), "no active ResourceManager among "+dead+": ") {
		t.Errorf("status %d, stdout %q, stderr %q", goyarn.ExitCode(err), out.String(), errb.String())
	}
	if goyarn.ExitCode(nil) != 0 {
		t.Error("ExitCode(nil) != 0")
	}
}
