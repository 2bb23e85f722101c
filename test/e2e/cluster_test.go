package e2e

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/test/cluster"
)

// A distributed-shell application submitted with a plain REST POST runs its
// containers on both NodeManagers, never beyond a node's capacity, and
// finishes SUCCEEDED; each container's output is served by its NM.
func TestDistributedShellOverREST(t *testing.T) {
	// Two 2 GB nodes hold 4 GB: the AM and four 1 GB containers (5 GB)
	// cannot all run at once, so the scheduler must hold some back.
	c := cluster.Start(t, cluster.Options{NodeManagers: 2, NodeMemoryMB: 2048, NodeVCores: 2})
	id := c.SubmitDShell(cluster.DShell{Command: `echo "hello from $CONTAINER_ID"; sleep 1`, Containers: 4})

	var app yarn.App
	c.WaitFor(id+" to finish", 60*time.Second, func() (bool, string) {
		for _, n := range c.Nodes() {
			if n.AvailMemoryMB < 0 || n.UsedMemoryMB > 2048 || n.AvailableVirtualCores < 0 {
				t.Fatalf("node %s over capacity: used %d MB, available %d MB", n.ID, n.UsedMemoryMB, n.AvailMemoryMB)
			}
		}
		app = c.App(id)
		return app.State.Terminal(), string(app.State)
	})
	if app.State != api.AppFinished || app.FinalStatus != api.FinalSucceeded {
		t.Fatalf("app ended %s/%s: %s", app.State, app.FinalStatus, app.Diagnostics)
	}

	total := 0
	for _, nm := range c.NMs {
		cids := nmAppContainers(t, nm.Addr("webAddress"), id)
		if len(cids) == 0 {
			t.Errorf("NodeManager %s ran no container of %s: not spread", nm.Addr("nodeId"), id)
		}
		total += len(cids)
		for _, cid := range cids {
			if strings.HasSuffix(cid, "_000001") {
				continue // the AM
			}
			var out string
			if code := nmGet(t, nm.Addr("webAddress"), "/ws/v1/node/containerlogs/"+cid+"/stdout", &out); code != 200 || !strings.Contains(out, "hello from "+cid) {
				t.Errorf("stdout of %s: %d %q", cid, code, out)
			}
		}
	}
	if total != 5 {
		t.Errorf("NMs ran %d containers, want 5 (AM + 4)", total)
	}
}

// The same application submitted through the goyarn CLI.
func TestDistributedShellThroughCLI(t *testing.T) {
	c := cluster.Start(t, cluster.Options{NodeManagers: 2})
	cmd := exec.Command(c.Bin+"/goyarn", "shell", "--shell-command", `echo "it's $CONTAINER_ID"`, "--num-containers", "2")
	cmd.Env = append(cmd.Environ(), c.Env()...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("goyarn shell: %v\n%s", err, out)
	}
	text := string(out)
	if !strings.Contains(text, "Submitted application application_") || !strings.Contains(text, "SUCCEEDED") {
		t.Fatalf("goyarn shell output:\n%s", text)
	}
	list := exec.Command(c.Bin+"/goyarn", "application", "-list", "-appStates", "FINISHED")
	list.Env = append(list.Environ(), c.Env()...)
	out, err = list.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Total number of applications") || !strings.Contains(string(out), "SUCCEEDED") {
		t.Fatalf("goyarn application -list: %v\n%s", err, out)
	}
}

// Killing a NodeManager makes it LOST and its containers are reported lost
// to the application; it comes back cleanly when restarted. Killing an
// application makes it KILLED and stops its containers.
func TestLostNodeAndKilledApp(t *testing.T) {
	c := cluster.Start(t, cluster.Options{NodeManagers: 2, NMExpiry: 3 * time.Second})
	id := c.SubmitDShell(cluster.DShell{Command: "sleep 600", Containers: 4})

	// Wait until containers run on both nodes, then kill the NM without the AM.
	var victim int
	var lost []string
	c.WaitFor("containers running on both nodes", 60*time.Second, func() (bool, string) {
		var cs yarn.RMContainersResponse
		c.Do("GET", "/ws/v1/cluster/apps/"+id+"/appattempts/1/containers", nil, &cs)
		perNode := map[string][]string{}
		amNode := ""
		for _, ct := range cs.Containers.Container {
			if ct.ContainerState != api.RunRunning {
				continue
			}
			if ct.ContainerID.Seq == 1 {
				amNode = ct.NodeID.String()
				continue
			}
			perNode[ct.NodeID.String()] = append(perNode[ct.NodeID.String()], ct.ContainerID.String())
		}
		for i, nm := range c.NMs {
			if n := nm.Addr("nodeId"); n != amNode && len(perNode[n]) > 0 && amNode != "" {
				victim, lost = i, perNode[n]
				return true, ""
			}
		}
		return false, fmt.Sprintf("AM on %q, executors %v", amNode, perNode)
	})
	victimID := c.NMs[victim].Addr("nodeId")
	c.NMs[victim].Kill()

	c.WaitFor(victimID+" LOST", 30*time.Second, func() (bool, string) {
		for _, n := range c.Nodes() {
			if n.ID.String() == victimID {
				return n.State == api.NodeLost, string(n.State)
			}
		}
		return false, "not listed"
	})
	// The AM is told that its containers there are gone, as ABORTED (-100)
	// on a lost node: its log says so for each of them.
	amNM := c.NMs[1-victim].Addr("webAddress")
	amLog := "/ws/v1/node/containerlogs/" + strings.Replace(id, "application", "container", 1) + "_01_000001/AppMaster.stderr"
	c.WaitFor("the AM to hear of the lost containers", 30*time.Second, func() (bool, string) {
		var log string
		nmGet(t, amNM, amLog, &log)
		for _, cid := range lost {
			found := false
			for _, line := range strings.Split(log, "\n") {
				if strings.Contains(line, cid) && strings.Contains(line, `"exit_status": -100`) && strings.Contains(line, "*lost* node") {
					found = true
				}
			}
			if !found {
				return false, cid + " not reported lost in the AM log:\n" + log
			}
		}
		return true, ""
	})

	// The node comes back cleanly: its old containers are stopped, nothing
	// stays allocated on it.
	c.StartNM(victim)
	c.WaitFor(victimID+" RUNNING again", 30*time.Second, func() (bool, string) {
		for _, n := range c.Nodes() {
			if n.ID.String() == victimID {
				return n.State == api.NodeRunning && n.UsedMemoryMB == 0, fmt.Sprintf("%s used %d", n.State, n.UsedMemoryMB)
			}
		}
		return false, "not listed"
	})
	c.WaitFor("the returning node's stale containers stopped", 30*time.Second, func() (bool, string) {
		web := c.NMs[victim].Addr("webAddress")
		for _, cid := range lost {
			var ct yarn.NMContainerResponse
			if nmGet(t, web, "/ws/v1/node/containers/"+cid, &ct) == 200 && ct.Container.State == api.NMContainerRunning {
				return false, cid + " still running"
			}
		}
		return true, ""
	})

	// Only the owner (or an admin) may kill the application; then it is
	// KILLED and every container of it stops.
	if code, body := c.Do("PUT", "/ws/v1/cluster/apps/"+id+"/state?user.name=bob", `{"state":"KILLED"}`, nil); code != 403 {
		t.Fatalf("kill by another user: %d %s", code, body)
	}
	if code, body := c.Do("PUT", "/ws/v1/cluster/apps/"+id+"/state?user.name=tester", `{"state":"KILLED"}`, nil); code != 200 {
		t.Fatalf("kill: %d %s", code, body)
	}
	app := c.WaitForState(id, 10, api.AppKilled)
	if app.FinalStatus != api.FinalKilled {
		t.Fatalf("killed app final status %s", app.FinalStatus)
	}
	c.WaitFor("containers of "+id+" stopped", 30*time.Second, func() (bool, string) {
		for _, nm := range c.NMs {
			web := nm.Addr("webAddress")
			for _, cid := range nmAppContainers(t, web, id) {
				var ct yarn.NMContainerResponse
				if nmGet(t, web, "/ws/v1/node/containers/"+cid, &ct) == 200 && ct.Container.State == api.NMContainerRunning {
					return false, cid + " still running"
				}
			}
		}
		return true, ""
	})
	for _, n := range c.Nodes() {
		if n.State == api.NodeRunning && n.UsedMemoryMB != 0 {
			t.Errorf("node %s still has %d MB allocated after the app was killed", n.ID, n.UsedMemoryMB)
		}
	}
}
