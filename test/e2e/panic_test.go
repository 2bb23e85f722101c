package e2e

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A driver that panics ends the application FAILED with the panic message
// in its diagnostics, in both deploy modes, and gosubmit exits non-zero.
func TestPanickingDriverFailsTheApplication(t *testing.T) {
	c := sparkCluster(t)
	bin := testProgram(t, "panicky")
	for _, mode := range []string{"cluster", "client"} {
		cmd := c.Command("gosubmit", "--master", "yarn", "--deploy-mode", mode, "--num-executors", "1", bin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err == nil {
			t.Errorf("%s mode: gosubmit exited 0 for a panicking driver:\n%s", mode, stderr.String())
		}
		app := appIDPattern(stderr.String())
		if app == "" {
			t.Fatalf("%s mode: no application id in:\n%s", mode, stderr.String())
		}
		a := c.WaitForState(app, 30, "FAILED", "FINISHED", "KILLED")
		if a.State != "FAILED" && a.FinalStatus != "FAILED" {
			t.Errorf("%s mode: application ended %s/%s", mode, a.State, a.FinalStatus)
		}
		if !strings.Contains(a.Diagnostics, "deliberate panic after the first job") {
			t.Errorf("%s mode: diagnostics lack the panic message: %q", mode, a.Diagnostics)
		}
		t.Logf("%s mode: FAILED after %s: %.120s", mode, time.Since(start).Round(time.Millisecond), a.Diagnostics)
	}
}
