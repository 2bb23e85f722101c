package goyarn_test

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client/goyarn"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

func TestRMAdmin(t *testing.T) {
	active := clienttest.NewRM(t)
	standby := clienttest.NewRM(t)
	standby.SetStandby(active.Server.URL)
	named := "rm1=" + active.Addr() + ",rm2=" + standby.Addr()
	expect(t, runCLI(t, named, "rmadmin", "-getServiceState", "rm1"), "active\n", "", 0)
	expect(t, runCLI(t, named, "rmadmin", "-getServiceState", "rm2"), "standby\n", "", 0)
	expect(t, runCLI(t, "goyarn://"+standby.Addr()+","+active.Addr(), "rmadmin", "-getServiceState", "rm2"), "active\n", "", 0)
	expect(t, runCLI(t, named, "rmadmin", "-getAllServiceState"),
		fmt.Sprintf("%-50s %-10s\n%-50s %-10s\n", active.Addr(), "active", standby.Addr(), "standby"), "", 0)
	expect(t, runCLI(t, named, "rmadmin", "-getServiceState", "rm3"), "",
		"Illegal argument: rm3 is not a valid serviceId. It should be one of rm1 rm2 \n", 255)
	expect(t, runCLI(t, named, "rmadmin", "-checkHealth", "rm2"), "", "", 0)

	dead := clienttest.DeadAddr(t)
	withDead := named + ",rm3=" + dead
	got := runCLI(t, withDead, "rmadmin", "-getServiceState", "rm3")
	if got.out != "" || got.code != 255 || !strings.HasPrefix(got.err, "Operation failed: ") || !strings.Contains(got.err, "connection refused") {
		t.Errorf("dead RM: %+v", got)
	}
	got = runCLI(t, withDead, "rmadmin", "-getAllServiceState")
	lines := strings.Split(got.out, "\n")
	if got.code != 255 || len(lines) != 4 || !strings.HasPrefix(lines[2], fmt.Sprintf("%-50s Failed to connect: ", dead)) {
		t.Errorf("all with a dead RM: %+v", got)
	}
	got = runCLI(t, withDead, "rmadmin", "-checkHealth", "rm3")
	if got.code != 255 || !strings.HasPrefix(got.err, "Health check failed: ") {
		t.Errorf("checkHealth dead: %+v", got)
	}
}

const fakeAM = "#!/bin/sh\nprintf '%s\\n' \"$@\"\n"

// writeAM writes a fake appmaster that prints its arguments one per line.
func writeAM(t *testing.T, dir string) string {
	p := filepath.Join(dir, "appmaster")
	if err := os.WriteFile(p, []byte(fakeAM), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func noBinaries() goyarn.Options {
	return goyarn.Options{
		Executable: func() (string, error) { return "/nonexistent/goyarn", nil },
		LookPath:   func(string) (string, error) { return "", errors.New("not on PATH") },
	}
}

func TestShellSubmitsAQuotedCommand(t *testing.T) {
	rm := clienttest.NewRM(t)
	staging := t.TempDir()
	am := writeAM(t, t.TempDir())
	cmd, args := `echo "it's" $HOME; exit 3`, `a 'b c' "d" \e`
	got := runWith(t, noBinaries(), rm.Addr(), "shell", "--shell-command", cmd, "--shell-args", args,
		"--num-containers", "3", "--container-memory", "512", "--container-vcores", "2", "--master-memory", "768",
		"--shell-env", "GREETING=hello world", "--appmaster-binary", am, "--staging-dir", staging, "--no-wait")
	expect(t, got, "Submitted application "+app1.String()+"\n", "", 0)

	if len(rm.Submitted) != 1 {
		t.Fatalf("submitted %d applications", len(rm.Submitted))
	}
	sub, err := rm.Submitted[0].ToAPI()
	if err != nil {
		t.Fatal(err)
	}
	if sub.ApplicationType != "YARN" || sub.Name != "DistributedShell" || sub.Queue != "default" ||
		sub.AMResource != api.Res(768, 1) || sub.ApplicationID != app1 {
		t.Errorf("submission = %+v", sub)
	}
	staged := filepath.Join(staging, app1.String(), "appmaster")
	lr := sub.AMContainer.LocalResources["appmaster"]
	if u, _ := url.Parse(lr.URL); u == nil || u.Scheme != "file" || u.Path != staged || lr.Size != int64(len(fakeAM)) || lr.Type != api.ResourceFile {
		t.Errorf("local resource = %+v", lr)
	}
	if fi, err := os.Stat(staged); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("staged appmaster: %v %v", fi, err)
	}

	// Run the AM command as an NM would: /bin/sh -c in a work dir holding
	// ./appmaster, <LOG_DIR> expanded. The fake AM echoes its arguments.
	work, logs := t.TempDir(), t.TempDir()
	if err := os.Link(staged, filepath.Join(work, "appmaster")); err != nil {
		t.Fatal(err)
	}
	line := strings.ReplaceAll(sub.AMContainer.Commands[0], api.PlaceholderLogDir, logs)
	sh := exec.Command("/bin/sh", "-c", line)
	sh.Dir = work
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("sh -c %q: %v %s", line, err, out)
	}
	echoed, err := os.ReadFile(filepath.Join(logs, "AppMaster.stdout"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"shell", "--shell-command", cmd, "--shell-args", args, "--num-containers", "3",
		"--container-memory", "512", "--container-vcores", "2", "--shell-env", "GREETING=hello world"}
	if gotArgs := strings.Split(strings.TrimSuffix(string(echoed), "\n"), "\n"); !reflect.DeepEqual(gotArgs, want) {
		t.Errorf("the AM got %q\nwant %q\n(command line %s)", gotArgs, want, line)
	}
}

func TestShellFindsAppmasterNextToItself(t *testing.T) {
	rm := clienttest.NewRM(t)
	dir := t.TempDir()
	writeAM(t, dir)
	o := noBinaries()
	o.Executable = func() (string, error) { return filepath.Join(dir, "goyarn"), nil }
	got := runWith(t, o, rm.Addr(), "shell", "--shell-command", "true", "--staging-dir", t.TempDir(), "--no-wait")
	if got.code != 0 || len(rm.Submitted) != 1 {
		t.Fatalf("%+v", got)
	}
	got = runWith(t, noBinaries(), rm.Addr(), "shell", "--shell-command", "true", "--no-wait")
	if got.code != 255 || !strings.Contains(got.err, "cannot find the appmaster binary") {
		t.Errorf("no appmaster: %+v", got)
	}
}

// scriptStates makes successive GETs of an app report the given states.
func scriptStates(rm *clienttest.RM, final api.FinalStatus, diag string, states ...api.AppState) {
	n := 0
	rm.OnGetApp = func(a *yarn.App) {
		a.State = states[min(n, len(states)-1)]
		if a.State.Terminal() {
			a.FinalStatus, a.Diagnostics = final, diag
		}
		n++
	}
}

func TestShellWaitsForTheApplication(t *testing.T) {
	for _, tc := range []struct {
		final api.FinalStatus
		state api.AppState
		tail  string
		code  int
	}{
		{api.FinalSucceeded, api.AppFinished, "Application %[1]s finished with final status SUCCEEDED\n", 0},
		{api.FinalFailed, api.AppFailed, "Application %[1]s finished with state FAILED and final status FAILED\nDiagnostics: container exited 3\n", 2},
	} {
		rm := clienttest.NewRM(t)
		scriptStates(rm, tc.final, "container exited 3", api.AppAccepted, api.AppRunning, api.AppRunning, tc.state)
		got := runWith(t, noBinaries(), rm.Addr(), "shell", "--shell-command", "date",
			"--appmaster-binary", writeAM(t, t.TempDir()), "--staging-dir", t.TempDir())
		id := app1.String()
		expect(t, got, "Submitted application "+id+"\n"+
			"Application report for "+id+" (state: ACCEPTED)\n"+
			"Application report for "+id+" (state: RUNNING)\n"+
			"Application report for "+id+" (state: "+string(tc.state)+")\n"+
			fmt.Sprintf(tc.tail, id), "", tc.code)
	}
}

func TestShellRejectsBadFlagsBeforeSubmitting(t *testing.T) {
	rm := clienttest.NewRM(t)
	expect(t, runWith(t, noBinaries(), rm.Addr(), "shell", "--num-containers", "0", "--container-memory", "-1",
		"--shell-env", "=x"), "",
		"goyarn shell: no shell command (--shell-command); --num-containers must be positive, got 0; "+
			"--container-memory must be positive, got -1; --shell-env \"=x\": want NAME=value\n", 255)
	if n := len(rm.Received()); n != 0 {
		t.Errorf("the RM got %d requests", n)
	}
}
