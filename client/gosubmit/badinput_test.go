package gosubmit_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
)

func TestRemoteBadInputSubmitsNothing(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--queue", "nope"}, "Error: queue nope does not exist (queues: default, stopped, etl)\n"},
		{[]string{"--queue", "prod"}, "Error: queue prod is a parent queue; submit to one of its leaf queues\n"},
		{[]string{"--queue", "stopped"}, "Error: queue stopped is STOPPED and does not accept applications\n"},
		{[]string{"--executor-memory", "9g"}, "Error: Required executor memory (9216 MB) is above the max threshold (8192 MB) of this cluster! Please check the values of 'yarn.scheduler.maximum-allocation-mb' and/or 'yarn.nodemanager.resource.memory-mb'.\n"},
		{[]string{"--deploy-mode", "cluster", "--driver-memory", "10g"}, "Error: Required AM memory (10240 MB) is above the max threshold (8192 MB)"},
		{[]string{"--executor-cores", "9"}, "Error: Required executor cores (9) is above the max threshold (8) of this cluster!"},
	} {
		f, c := newFixture(t), newCluster(t, succeeded...)
		var stdout, stderr syncBuffer
		res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, append(tc.args, f.bin)...)...)
		lines := strings.Split(strings.TrimSuffix(res.err, "\n"), "\n")
		if res.code != 2 || !strings.HasPrefix(lines[len(lines)-1]+"\n", tc.want) || len(c.submissions()) != 0 {
			t.Errorf("%q: exit %d, %d submissions, stderr:\n%s", tc.args, res.code, len(c.submissions()), res.err)
		}
		if _, err := os.Stat(f.staging); !os.IsNotExist(err) {
			t.Errorf("%q: staged before the checks: %v", tc.args, err)
		}
	}
}

func TestLocalBadInputContactsNothing(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"}, {"--executor-memory", "12x"}, {"--num-executors", "0"}, {"--executor-cores", "-2"},
		{"--deploy-mode", "sideways"}, {"--files", "/no/such/file"}, {"--conf", "spark.executor.cores=zero"},
	} {
		f, c := newFixture(t), newCluster(t, succeeded...)
		var stdout, stderr syncBuffer
		res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, append(args, f.bin)...)...)
		if res.code != 2 || !strings.HasPrefix(res.err, "Error: ") || strings.Count(res.err, "\n") != 1 || c.requestCount() != 0 {
			t.Errorf("%q: exit %d, %d requests, stderr %q", args, res.code, c.requestCount(), res.err)
		}
	}
	// A missing binary.
	f, c := newFixture(t), newCluster(t)
	var stdout, stderr syncBuffer
	res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, filepath.Join(f.dir, "missing"))...)
	if res.code != 2 || !strings.Contains(res.err, "does not exist") || c.requestCount() != 0 {
		t.Errorf("missing binary: exit %d, stderr %q", res.code, res.err)
	}
}

func TestWaitsForAnActiveRM(t *testing.T) {
	f, c := newFixture(t), newCluster(t, succeeded...)
	c.mu.Lock()
	c.down = 3
	c.mu.Unlock()
	var stdout, stderr syncBuffer
	res := run(context.Background(), baseOptions(&stdout, &stderr), f.common(c, "--deploy-mode", "cluster", f.bin)...)
	if res.code != 0 || strings.Count(res.err, "WARN Client: waiting for an active ResourceManager…") != 1 {
		t.Errorf("exit %d:\n%s", res.code, res.err)
	}
	if !bytes.HasPrefix([]byte(res.err), []byte("24/05/06 07:08:09 WARN Client: waiting for an active ResourceManager… (")) {
		t.Errorf("stderr:\n%s", res.err)
	}
}

func TestVerboseAndLegacyMaster(t *testing.T) {
	f, c := newFixture(t), newCluster(t, succeeded...)
	var stdout, stderr syncBuffer
	args := append([]string{"--verbose"}, f.common(c, f.bin, "7")...)
	args[2] = "yarn-cluster" // --master
	o := baseOptions(&stdout, &stderr)
	o.Getenv = func(k string) string {
		if k == "GOYARN_RM_ADDRESSES" {
			return c.addr()
		}
		return ""
	}
	res := run(context.Background(), o, args...)
	for _, want := range []string{
		"WARN Client: Master yarn-cluster is deprecated since 2.0. Please use master \"yarn\" with specified deploy mode instead.\n",
		"Parsed arguments:\n", "  deployMode              cluster\n", `  childArgs               ["7"]` + "\n",
		"  (spark.executor.instances,2)\n",
		"INFO Client: ApplicationMaster command: './appmaster' 'spark' '--deploy-mode' 'cluster' '--binary' 'pi' '--arg' '7' ",
	} {
		if !strings.Contains(res.err, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if res.code != 0 {
		t.Errorf("exit %d:\n%s", res.code, res.err)
	}
}

func TestReportsSurviveAnRMOutage(t *testing.T) {
	for _, tc := range []struct {
		name string
		down int
		code int
		want string
	}{
		{"recovers", 3, 0, "(state: FINISHED)"},
		{"gives up", 1 << 30, 1, "ERROR Client: Cannot follow application " + appID.String() + ": no active ResourceManager"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var c *cluster
			outage := func() {
				c.mu.Lock()
				c.down = tc.down
				c.mu.Unlock()
			}
			c = newCluster(t, step{state: api.AppAccepted, hook: outage}, step{state: api.AppRunning},
				step{state: api.AppFinished, final: api.FinalSucceeded})
			var stdout, stderr syncBuffer
			o := baseOptions(&stdout, &stderr)
			o.Now, o.ReportGiveUp = time.Now, 100*time.Millisecond
			o.ClientOptions.FailoverWait = -1 // one pass over the RMs per call
			res := run(context.Background(), o, f.common(c, "--deploy-mode", "cluster", f.bin)...)
			if res.code != tc.code || !strings.Contains(res.err, tc.want) ||
				strings.Count(res.err, "WARN Client: Failed to get the report of application "+appID.String()+", retrying: no active ResourceManager") != 1 {
				t.Errorf("exit %d:\n%s", res.code, res.err)
			}
		})
	}
}
