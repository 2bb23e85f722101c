package yarn

import (
	"encoding/json"
	"testing"

	"github.com/goyarn/goyarn/api"
)

const nodeInfoFixture = `{
  "nodeInfo": {
    "id": "worker7.example.org:45454",
    "nodeHostName": "worker7.example.org",
    "totalPmemAllocatedContainersMB": 16384,
    "totalVmemAllocatedContainersMB": 34406,
    "totalVCoresAllocatedContainers": 12,
    "vmemCheckEnabled": false,
    "pmemCheckEnabled": true,
    "lastNodeUpdateTime": 1700000123456,
    "nmStartupTime": 1700000000001,
    "healthReport": "",
    "nodeHealthy": true,
    "nodeManagerVersion": "3.3.6",
    "nodeManagerBuildVersion": "3.3.6 from abc by builder source checksum 0f0f",
    "nodeManagerVersionBuiltOn": "2023-06-18T08:22Z",
    "hadoopVersion": "3.3.6",
    "hadoopBuildVersion": "3.3.6 from abc by builder source checksum 1e1e",
    "hadoopVersionBuiltOn": "2023-06-18T08:21Z"
  }
}`

func TestNodeInfoRoundTrip(t *testing.T) {
	r := exactRoundTrip[NodeInfoResponse](t, nodeInfoFixture)
	if r.NodeInfo.ID != (api.NodeID{Host: "worker7.example.org", Port: 45454}) || !r.NodeInfo.NodeHealthy {
		t.Errorf("decoded %+v", r.NodeInfo)
	}
}

const nmAppsFixture = `{
  "apps": {
    "app": [
      {
        "id": "application_1700000000000_0042",
        "user": "alice",
        "state": "RUNNING",
        "containerids": ["container_1700000000000_0042_01_000001", "container_e03_1700000000000_0042_01_000007"]
      },
      {"id": "application_1700000000000_0041", "user": "bob", "state": "FINISHED"}
    ]
  }
}`

func TestNMAppsRoundTrip(t *testing.T) {
	r := exactRoundTrip[NMAppsResponse](t, nmAppsFixture)
	if len(r.Apps.App) != 2 || len(r.Apps.App[0].ContainerIDs) != 2 || r.Apps.App[0].ContainerIDs[1].Epoch != 3 {
		t.Fatalf("decoded %+v", r.Apps)
	}
	// An app with no containers on the node has no containerids member.
	exactRoundTrip[NMAppResponse](t, `{"app":{"id":"application_1700000000000_0041","user":"bob","state":"APPLICATION_RESOURCES_CLEANINGUP"}}`)
}

const nmContainersFixture = `{
  "containers": {
    "container": [
      {
        "id": "container_1700000000000_0042_01_000001",
        "state": "RUNNING",
        "nodeId": "worker7.example.org:45454",
        "containerLogsLink": "http://worker7.example.org:8042/node/containerlogs/container_1700000000000_0042_01_000001/alice",
        "user": "alice",
        "exitCode": -1000,
        "diagnostics": "",
        "totalMemoryNeededMB": 1536,
        "totalVCoresNeeded": 1,
        "executionType": "GUARANTEED",
        "containerLogFiles": ["prelaunch.out", "stdout", "stderr"]
      },
      {
        "id": "container_1700000000000_0042_01_000002",
        "state": "CONTAINER_RESOURCES_CLEANINGUP",
        "nodeId": "worker7.example.org:45454",
        "containerLogsLink": "http://worker7.example.org:8042/node/containerlogs/container_1700000000000_0042_01_000002/alice",
        "user": "alice",
        "exitCode": 143,
        "diagnostics": "Container killed on request. Exit code is 143",
        "totalMemoryNeededMB": 4096,
        "totalVCoresNeeded": 2,
        "executionType": "OPPORTUNISTIC",
        "containerLogFiles": ["stdout"]
      }
    ]
  }
}`

func TestNMContainersRoundTrip(t *testing.T) {
	r := exactRoundTrip[NMContainersResponse](t, nmContainersFixture)
	c := r.Containers.Container
	if c[1].State != NMContainerCleaningUp || c[0].ExitCode != api.ExitInvalid {
		t.Errorf("decoded %+v", c)
	}
	exactRoundTrip[NMContainerResponse](t, `{"container":{"id":"container_1700000000000_0042_01_000001","state":"DONE","nodeId":"h:1","containerLogsLink":"x","user":"u","exitCode":0,"diagnostics":"","totalMemoryNeededMB":1,"totalVCoresNeeded":1,"executionType":"GUARANTEED"}}`)
}

func TestContainerLogsResponse(t *testing.T) {
	const fixture = `{
  "containerLogsInfo": [
    {
      "containerLogInfo": [
        {"fileName": "stderr", "fileSize": "120", "lastModifiedTime": "Tue Nov 14 22:13:20 +0000 2023"},
        {"fileName": "stdout", "fileSize": "0", "lastModifiedTime": "Tue Nov 14 22:13:19 +0000 2023"}
      ],
      "logAggregationType": "LOCAL",
      "containerId": "container_1700000000000_0042_01_000001",
      "nodeId": "worker7.example.org:45454"
    }
  ]
}`
	r := exactRoundTrip[ContainerLogsResponse](t, fixture)
	if len(r.ContainerLogsInfo) != 1 || len(r.ContainerLogsInfo[0].ContainerLogInfo) != 2 {
		t.Fatalf("decoded %+v", r)
	}
	// YARN's LogsCLI also accepts single objects in place of both arrays.
	var single ContainerLogsResponse
	err := json.Unmarshal([]byte(`{"containerLogsInfo":{"containerLogInfo":{"fileName":"stdout","fileSize":"5","lastModifiedTime":"N/A"},"logAggregationType":"LOCAL","containerId":"container_1700000000000_0042_01_000001","nodeId":"h:1"}}`), &single)
	if err != nil || len(single.ContainerLogsInfo) != 1 || single.ContainerLogsInfo[0].ContainerLogInfo[0].FileSize != "5" ||
		single.ContainerLogsInfo[0].NodeID.Port != 1 {
		t.Fatalf("single forms: %+v, %v", single, err)
	}
}

func TestNMEmptyCollections(t *testing.T) {
	if got := mustMarshal(t, NMAppsResponse{}); got != `{"apps":{}}` {
		t.Errorf("empty NM apps = %s", got)
	}
	if got := mustMarshal(t, NMContainersResponse{}); got != `{"containers":{}}` {
		t.Errorf("empty NM containers = %s", got)
	}
}
