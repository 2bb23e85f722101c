package goyarn_test

import (
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client/internal/clienttest"
)

func nodeID(s string) api.NodeID {
	id, err := api.ParseNodeID(s)
	if err != nil {
		panic(err)
	}
	return id
}

func withNodes(rm *clienttest.RM, nodes ...yarn.Node) {
	rm.Lock()
	defer rm.Unlock()
	rm.Nodes = append(rm.Nodes, nodes...)
}

func TestNodeList(t *testing.T) {
	rm := clienttest.NewRM(t)
	withNodes(rm,
		yarn.Node{ID: nodeID("nm1.example.com:45454"), State: api.NodeRunning, NodeHTTPAddress: "nm1.example.com:8042", NumContainers: 3},
		yarn.Node{ID: nodeID("nm2:45454"), State: api.NodeLost, NodeHTTPAddress: "nm2:8042"})
	expect(t, runCLI(t, rm.Addr(), "node", "-list"), "Total Nodes:1\n"+
		"         Node-Id\t     Node-State\tNode-Http-Address\tNumber-of-Running-Containers\n"+
		"nm1.example.com:45454\t        RUNNING\tnm1.example.com:8042\t                           3\n", "", 0)
	reqs := rm.Received()
	if q := reqs[len(reqs)-1].RawQuery; !strings.HasPrefix(q, "states=RUNNING&") {
		t.Errorf("default query %q", q)
	}
	got := runCLI(t, rm.Addr(), "node", "-list", "-all")
	if !strings.HasPrefix(got.out, "Total Nodes:2\n") || !strings.Contains(got.out, "      nm2:45454\t           LOST\t         nm2:8042\t                           0\n") {
		t.Errorf("-all:\n%s", visible(got.out))
	}
	got = runCLI(t, rm.Addr(), "node", "-list", "-states", "lost")
	if !strings.HasPrefix(got.out, "Total Nodes:1\n") || got.code != 0 {
		t.Errorf("-states lost: %+v", got)
	}
	expect(t, runCLI(t, rm.Addr(), "node", "-list", "-states", "GONE"), "",
		"The node state GONE is invalid.\nThe valid node state can be one of the following: NEW,RUNNING,UNHEALTHY,DECOMMISSIONED,LOST,REBOOTED,DECOMMISSIONING,SHUTDOWN.\n", 255)
}

func TestNodeStatus(t *testing.T) {
	rm := clienttest.NewRM(t)
	withNodes(rm, yarn.Node{ID: nodeID("nm1:45454"), Rack: yarn.DefaultRack, State: api.NodeRunning,
		NodeHTTPAddress: "nm1:8042", LastHealthUpdate: time.Date(2018, 1, 30, 17, 42, 0, 123e6, time.UTC).UnixMilli(),
		HealthReport: "", NumContainers: 2, UsedMemoryMB: 2048, AvailMemoryMB: 6144, UsedVirtualCores: 2, AvailableVirtualCores: 6,
		ResourceUtilization: yarn.ResourceUtilization{NodePhysicalMemoryMB: 3000, NodeVirtualMemoryMB: 4000, NodeCPUUsage: 0.25}})
	expect(t, runCLI(t, rm.Addr(), "node", "-status", "nm1:45454"), `Node Report : 
	Node-Id : nm1:45454
	Rack : /default-rack
	Node-State : RUNNING
	Node-Http-Address : nm1:8042
	Last-Health-Update : Tue 30/Jan/18 05:42:00:123UTC
	Health-Report : 
	Containers : 2
	Memory-Used : 2048MB
	Memory-Capacity : 8192MB
	CPU-Used : 2 vcores
	CPU-Capacity : 8 vcores
	Node-Labels : 
	Resource Utilization by Node : PMem:3000 MB, VMem:4000 MB, VCores:0.25
	Resource Utilization by Containers : PMem:0 MB, VMem:0 MB, VCores:0.0

`, "", 0)
	expect(t, runCLI(t, rm.Addr(), "node", "-status", "nm9:1"), "", "Could not find the node report for node id : nm9:1\n", 255)
}

func TestAttemptsAndContainers(t *testing.T) {
	rm := clusterRM(t)
	att := api.AttemptID{App: app1, Attempt: 1}
	am := api.ContainerID{Attempt: att, Epoch: 1, Seq: 1}
	rm.Attempts[app1] = []yarn.AppAttempt{{ID: 1, ContainerID: am, AppAttemptID: att, AppAttemptState: api.AttemptRunning}}
	rm.Reports[att] = yarn.AppAttemptReport{AppAttemptID: att, TrackingURL: "http://rm:8088/proxy/" + app1.String() + "/"}
	rm.Containers[att] = []yarn.RMContainer{{ContainerID: am, AssignedNodeID: nodeID("nm1:45454"),
		StartedTime: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC).UnixMilli(), ContainerState: api.RunRunning,
		NodeHTTPAddress: "http://nm1:8042", LogURL: "http://nm1:8042/node/containerlogs/" + am.String() + "/alice"}}
	expect(t, runCLI(t, rm.Addr(), "applicationattempt", "-list", app1.String()), "Total number of application attempts :1\n"+
		"         ApplicationAttempt-Id\t               State\t                    AM-Container-Id\t                       Tracking-URL\n"+
		"appattempt_1700000000000_0001_000001\t             RUNNING\tcontainer_e01_1700000000000_0001_01_000001\thttp://rm:8088/proxy/application_1700000000000_0001/\n", "", 0)
	expect(t, runCLI(t, rm.Addr(), "container", "-list", att.String()), "Total number of containers :1\n"+
		"                  Container-Id\t          Start Time\t         Finish Time\t               State\t                Host\t   Node Http Address\t                            LOG-URL\n"+
		"container_e01_1700000000000_0001_01_000001\tMon May 06 07:08:09 +0000 2024\t                 N/A\t             RUNNING\t           nm1:45454\t     http://nm1:8042\thttp://nm1:8042/node/containerlogs/container_e01_1700000000000_0001_01_000001/alice\n", "", 0)
}

// logsCluster is an RM whose nodes are a fake NM holding app1's AM and one
// executor container, an unreachable node, and a LOST node never asked.
func logsCluster(t *testing.T) (*clienttest.RM, *clienttest.NM, string) {
	rm := clusterRM(t)
	nm := clienttest.NewNM(t)
	dead := clienttest.DeadAddr(t)
	withNodes(rm,
		yarn.Node{ID: nodeID("127.0.0.1:45454"), State: api.NodeRunning, NodeHTTPAddress: nm.Addr()},
		yarn.Node{ID: nodeID("127.0.0.2:45454"), State: api.NodeRunning, NodeHTTPAddress: dead},
		yarn.Node{ID: nodeID("127.0.0.3:45454"), State: api.NodeLost, NodeHTTPAddress: clienttest.DeadAddr(t)})
	mod := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	att := api.AttemptID{App: app1, Attempt: 1}
	nm.Add(api.ContainerID{Attempt: att, Epoch: 2, Seq: 2}, clienttest.LogFile{Name: "stdout", Content: "executor out\n", Modified: mod})
	nm.Add(api.ContainerID{Attempt: att, Epoch: 2, Seq: 1},
		clienttest.LogFile{Name: "stdout", Content: "hello\n", Modified: mod},
		clienttest.LogFile{Name: "stderr", Content: "", Modified: mod})
	warn := "WARNING: could not ask node 127.0.0.2:45454 (" + dead + ") for the containers of " + app1.String() + ": "
	return rm, nm, warn
}

const amStdout = `Container: container_e02_1700000000000_0001_01_000001 on 127.0.0.1_45454
LogAggregationType: LOCAL
========================================================================
LogType:stdout
LogLastModifiedTime:Mon May 06 07:08:09 +0000 2024
LogLength:6
LogContents:
hello

End of LogType:stdout
***********************************************************************

`

const amStderr = `Container: container_e02_1700000000000_0001_01_000001 on 127.0.0.1_45454
LogAggregationType: LOCAL
========================================================================
LogType:stderr
LogLastModifiedTime:Mon May 06 07:08:09 +0000 2024
LogLength:0
LogContents:

End of LogType:stderr
***********************************************************************

`

const execStdout = `Container: container_e02_1700000000000_0001_01_000002 on 127.0.0.1_45454
LogAggregationType: LOCAL
========================================================================
LogType:stdout
LogLastModifiedTime:Mon May 06 07:08:09 +0000 2024
LogLength:13
LogContents:
executor out

End of LogType:stdout
***********************************************************************

`

func TestLogs(t *testing.T) {
	rm, _, warn := logsCluster(t)
	got := runCLI(t, rm.Addr(), "logs", "-applicationId", app1.String())
	if got.out != amStdout+amStderr+execStdout || got.code != 0 {
		t.Errorf("all logs (status %d):\n%s\nwant:\n%s", got.code, got.out, amStdout+amStderr+execStdout)
	}
	if !strings.HasPrefix(got.err, warn) || strings.Count(got.err, "\n") != 1 {
		t.Errorf("stderr %q, want one warning for the unreachable node", got.err)
	}
	got = runCLI(t, rm.Addr(), "logs", "-applicationId", app1.String(), "-am", "1", "-log_files", "stdout")
	if got.out != amStdout || got.code != 0 {
		t.Errorf("-am 1 -log_files stdout:\n%s", got.out)
	}
	got = runCLI(t, rm.Addr(), "logs", "-containerId", "container_e02_1700000000000_0001_01_000002", "-log_files", "stdout,syslog")
	if got.out != execStdout || got.code != 0 ||
		!strings.Contains(got.err, "Can not find any log file matching the pattern: [syslog] for the container: container_e02_1700000000000_0001_01_000002 within the application: "+app1.String()+"\n") {
		t.Errorf("-containerId: %+v", got)
	}
	got = runCLI(t, rm.Addr(), "logs", "-applicationId", app1.String(), "-am", "2")
	if got.out != "" || got.code != 255 || !strings.HasSuffix(got.err, "Can not find the AM container logs of the application:"+app1.String()+"\n") {
		t.Errorf("-am 2: %+v", got)
	}
	got = runCLI(t, rm.Addr(), "logs", "-applicationId", app2.String())
	if got.code != 255 || !strings.HasSuffix(got.err, "Can not find the logs for the application: "+app2.String()+" with the appOwner: alice\n") {
		t.Errorf("no containers: %+v", got)
	}
	got = runCLI(t, rm.Addr(), "logs", "-applicationId", app1.String(), "-am", "x")
	if got.code != 255 || !strings.Contains(got.err, "Invalid input for option -am") {
		t.Errorf("-am x: %+v", got)
	}
}

func TestLogsSize(t *testing.T) {
	rm, _, _ := logsCluster(t)
	got := runCLI(t, rm.Addr(), "logs", "-containerId", "container_e02_1700000000000_0001_01_000002", "-size", "-4")
	if !strings.Contains(got.out, "LogLength:13\nLogContents:\nout\n\nEnd of LogType:stdout\n") {
		t.Errorf("-size -4:\n%s", got.out)
	}
}
