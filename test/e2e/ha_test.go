package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/test/cluster"
)

func haCluster(t *testing.T) *cluster.HACluster {
	return cluster.StartHA(t, cluster.HAOptions{Options: cluster.Options{NodeManagers: 2, NodeMemoryMB: 4096, NodeVCores: 4}})
}

// executorsOf finds the running executor processes of binary bin in c.
func executorsOf(c *cluster.HACluster, bin string) []cluster.Proc {
	return cluster.Procs(func(p cluster.Proc) bool {
		return isBinary(p, bin) && p.Env["GOYARN_ENGINE_ROLE"] == "executor" && strings.HasPrefix(p.Cwd, c.Dir)
	})
}

var registeredRE = regexp.MustCompile(`registered executor.*"executor_id": "([^"]+)"`)

// registeredExecutors lists the executor ids a driver log shows registering.
func registeredExecutors(log string) []string {
	var ids []string
	for _, m := range registeredRE.FindAllStringSubmatch(log, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// killActiveDuringWordcount runs wordcount in mode, kills -9 the active RM
// once both executors run, and checks the application still succeeds with
// the right counts, on the new active, with its executors never relaunched.
func killActiveDuringWordcount(t *testing.T, mode string) {
	c := haCluster(t)
	input := filepath.Join(c.Dir, "input")
	want := writeBigCorpus(t, input, 16, 2<<20)
	args := []string{"--master", "yarn", "--deploy-mode", mode, "--num-executors", "2", filepath.Join(c.Bin, "wordcount"), input + "/*.txt"}
	out := filepath.Join(c.Dir, "counts")
	if mode == "cluster" {
		args = append(args, out)
	}
	cmd := c.Command("gosubmit", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var before []cluster.Proc
	c.WaitFor("both executors running", 60*time.Second, func() (bool, string) {
		select {
		case err := <-done:
			t.Fatalf("gosubmit ended (%v) before the failover:\n%s", err, stderr.String())
		default:
		}
		before = executorsOf(c, "wordcount")
		return len(before) == 2, fmt.Sprintf("%d executors", len(before))
	})
	old := c.Active()
	killed := time.Now()
	c.RMs[old].Kill()
	next := c.WaitActive(old, 30*time.Second)
	t.Logf("killed rm%d; rm%d active after %s", old+1, next+1, time.Since(killed).Round(time.Millisecond))
	// The remaining standby answers /info itself and names the new active.
	for i := range c.RMs {
		if i == old || i == next {
			continue
		}
		c.WaitFor(fmt.Sprintf("rm%d to name rm%d active", i+1, next+1), 10*time.Second, func() (bool, string) {
			var info yarn.ClusterInfoResponse
			res, err := http.Get("http://" + c.WebOf(i) + "/ws/v1/cluster/info")
			if err != nil {
				return false, err.Error()
			}
			defer res.Body.Close()
			json.NewDecoder(res.Body).Decode(&info)
			ci := info.ClusterInfo
			return ci.HAState == api.HAStandby && ci.HAActiveID == fmt.Sprintf("rm%d", next+1) && ci.HAActiveWebAddress == c.WebOf(next),
				fmt.Sprintf("%+v", ci)
		})
	}

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("gosubmit: %v\n%s", err, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("the application did not finish:\n%s", stderr.String())
	}
	app := appIDPattern(stderr.String())
	a := c.App(app) // answered by the new active
	if a.State != api.AppFinished || a.FinalStatus != api.FinalSucceeded {
		t.Fatalf("%s on the new active: %s/%s %q", app, a.State, a.FinalStatus, a.Diagnostics)
	}
	if mode == "cluster" {
		parts, _ := filepath.Glob(filepath.Join(out, "part-*"))
		var all strings.Builder
		for _, p := range parts {
			data, _ := os.ReadFile(p)
			all.Write(data)
		}
		sameCounts(t, parseCounts(t, all.String()), want)
	} else {
		sameCounts(t, parseCounts(t, stdout.String()), want)
	}
	// The executors that ran before the failover are the only ones that ever
	// registered: none was relaunched.
	log := stderr.String()
	if mode == "cluster" {
		log = amLog(t, c.Cluster, app, "stderr")
	}
	ids := registeredExecutors(log)
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"1", "2"}) || strings.Contains(log, "executor lost") {
		t.Errorf("executors registered %v (want exactly 1 and 2, never lost):\n%s", ids, log)
	}
}

// 1. kill -9 of the active RM while wordcount runs in cluster mode.
func TestHAKillActiveDuringWordcountCluster(t *testing.T) { killActiveDuringWordcount(t, "cluster") }

// 2. The same in client mode.
func TestHAKillActiveDuringWordcountClient(t *testing.T) { killActiveDuringWordcount(t, "client") }

// 3. A submission made while the RMs fail over lands exactly once.
func TestHASubmitDuringFailover(t *testing.T) {
	c := haCluster(t)
	old := c.Active()
	c.RMs[old].Kill()
	name := "during-failover"
	cmd := c.Command("goyarn", "shell", "--shell-command", "true", "--num-containers", "1", "--name", name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("goyarn shell during the failover: %v\n%s", err, out)
	}
	var apps yarn.AppsResponse
	c.Do("GET", "/ws/v1/cluster/apps", nil, &apps)
	n := 0
	for _, a := range apps.Apps.App {
		if a.Name == name {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d applications named %s, want 1:\n%s", n, name, out)
	}
}

// 4. Every RM killed and restarted: finished and running applications are
// all still there, and the running one carries on.
func TestHAKillAllRMsAndRestart(t *testing.T) {
	c := haCluster(t)
	finished := c.SubmitDShell(cluster.DShell{Command: "true", Containers: 1, Name: "finished-before"})
	c.WaitForState(finished, 60, api.AppFinished)
	running := c.SubmitDShell(cluster.DShell{Command: "sleep 600", Containers: 1, Name: "running-through"})
	c.WaitForState(running, 60, api.AppRunning)

	for _, rm := range c.RMs {
		rm.Kill()
	}
	for i := range c.RMs {
		c.RestartRM(i)
	}
	c.WaitActive(-1, 60*time.Second)
	if a := c.App(finished); a.State != api.AppFinished || a.FinalStatus != api.FinalSucceeded {
		t.Errorf("finished app after restarting every RM: %s/%s", a.State, a.FinalStatus)
	}
	// The running app's AM resyncs with the new active: it is RUNNING with
	// its containers, and can be killed there.
	c.WaitFor("the running app resynced", 60*time.Second, func() (bool, string) {
		a := c.App(running)
		return a.State == api.AppRunning && a.RunningContainers >= 2, fmt.Sprintf("%s with %d containers", a.State, a.RunningContainers)
	})
	if code, body := c.Do("PUT", "/ws/v1/cluster/apps/"+running+"/state?user.name=tester", `{"state":"KILLED"}`, nil); code != 200 {
		t.Fatalf("kill after restart: %d %s", code, body)
	}
	c.WaitForState(running, 30, api.AppKilled)
}

// 5. Fencing: an active RM paused (SIGSTOP) until its ZooKeeper session
// expires cannot write once it resumes, and steps down.
func TestHAPausedActiveIsFenced(t *testing.T) {
	c := haCluster(t)
	old := c.Active()
	// An application id from the old active, to submit to it later.
	var na yarn.NewApplicationResponse
	if code, body := c.Do("POST", "/ws/v1/cluster/apps/new-application", nil, &na); code != 200 {
		t.Fatalf("new-application: %d %s", code, body)
	}
	pid := c.RMs[old].Pid()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := true
	t.Cleanup(func() {
		if stopped {
			syscall.Kill(pid, syscall.SIGCONT)
		}
	})
	next := c.WaitActive(old, 30*time.Second)

	// A submission sent straight to the paused RM: the kernel accepts the
	// connection and buffers the request while the process is stopped. Then
	// it resumes; it must not accept the submission, and must step down.
	body := fmt.Sprintf(`{"application-id":"%s","application-name":"fenced","resource":{"memory":1024,"vCores":1},"am-container-spec":{"commands":{"command":"true"}}}`, na.ApplicationID)
	conn, err := net.DialTimeout("tcp", c.WebOf(old), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req, _ := newRequest("POST", "http://"+c.WebOf(old)+"/ws/v1/cluster/apps?user.name=tester", body)
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(pid, syscall.SIGCONT)
	stopped = false
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("reading the resumed RM's answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode == 202 {
		t.Fatalf("the deposed RM accepted a submission after resuming")
	}
	t.Logf("the resumed RM answered the submission with %s", res.Status)
	c.WaitFor("the resumed RM to step down", 30*time.Second, func() (bool, string) {
		i := c.Active()
		return i == next, fmt.Sprintf("active: rm%d", i+1)
	})
	if code, _ := c.Do("GET", "/ws/v1/cluster/apps/"+na.ApplicationID.String(), nil, nil); code != 404 {
		t.Fatalf("the fenced submission is visible on the active RM (%d)", code)
	}
}
