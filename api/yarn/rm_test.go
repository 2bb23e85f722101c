package yarn

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
)

func TestClusterInfoRoundTrip(t *testing.T) {
	const fixture = `{"clusterInfo":{
  "id": 1700000000000, "startedOn": 1700000000000, "state": "STARTED", "haState": "STANDBY",
  "rmStateStoreName": "org.apache.hadoop.yarn.server.resourcemanager.recovery.ZKRMStateStore",
  "resourceManagerVersion": "3.3.6", "resourceManagerBuildVersion": "3.3.6 from x by y source checksum z",
  "resourceManagerVersionBuiltOn": "2023-06-18T08:22Z", "hadoopVersion": "3.3.6",
  "hadoopBuildVersion": "3.3.6 from x by y source checksum w", "hadoopVersionBuiltOn": "2023-06-18T08:21Z",
  "haZooKeeperConnectionState": "CONNECTED", "haId": "rm2"}}`
	r := exactRoundTrip[ClusterInfoResponse](t, fixture)
	if r.ClusterInfo.HAState != api.HAStandby || r.ClusterInfo.HAID != "rm2" {
		t.Errorf("decoded %+v", r.ClusterInfo)
	}
	var plain ClusterInfoResponse
	if got := mustMarshal(t, plain); strings.Contains(got, "haId") {
		t.Errorf("empty haId must be omitted: %s", got)
	}
}

func TestClusterMetricsRoundTrip(t *testing.T) {
	exactRoundTrip[ClusterMetricsResponse](t, `{"clusterMetrics":{
  "appsSubmitted": 9, "appsCompleted": 4, "appsPending": 1, "appsRunning": 2, "appsFailed": 1, "appsKilled": 1,
  "reservedMB": 0, "availableMB": 20480, "allocatedMB": 4096, "totalMB": 24576,
  "reservedVirtualCores": 0, "availableVirtualCores": 20, "allocatedVirtualCores": 4, "totalVirtualCores": 24,
  "containersAllocated": 4, "containersReserved": 0, "containersPending": 3,
  "totalNodes": 4, "activeNodes": 3, "lostNodes": 1, "unhealthyNodes": 0, "decommissioningNodes": 0,
  "decommissionedNodes": 0, "rebootedNodes": 0, "shutdownNodes": 0}}`)
}

const schedulerFixture = `{"scheduler":{"schedulerInfo":{
  "type": "capacityScheduler", "capacity": 100.0, "usedCapacity": 12.5, "maxCapacity": 100.0, "queueName": "root",
  "queues": {"queue": [
    {
      "queueName": "prod", "state": "RUNNING", "capacity": 70.0, "usedCapacity": 0.0, "maxCapacity": 100.0,
      "absoluteCapacity": 70.0, "absoluteMaxCapacity": 100.0, "absoluteUsedCapacity": 0.0,
      "numApplications": 0, "usedResources": "<memory:0, vCores:0>", "resourcesUsed": {"memory": 0, "vCores": 0},
      "allocatedContainers": 0, "reservedContainers": 0, "pendingContainers": 0,
      "queues": {"queue": [
        {
          "type": "capacitySchedulerLeafQueueInfo", "queueName": "etl", "state": "RUNNING",
          "capacity": 33.333332, "usedCapacity": 0.0, "maxCapacity": 100.0,
          "absoluteCapacity": 23.333334, "absoluteMaxCapacity": 100.0, "absoluteUsedCapacity": 0.0,
          "numApplications": 0, "usedResources": "<memory:0, vCores:0>", "resourcesUsed": {"memory": 0, "vCores": 0},
          "allocatedContainers": 0, "reservedContainers": 0, "pendingContainers": 0,
          "numActiveApplications": 0, "numPendingApplications": 0, "numContainers": 0,
          "maxApplications": 2333, "maxApplicationsPerUser": 2333, "userLimit": 100, "userLimitFactor": 1.0,
          "users": {}, "configuredMaxAMResourceLimit": 0.1,
          "AMResourceLimit": {"memory": 3072, "vCores": 1}, "usedAMResource": {"memory": 0, "vCores": 0},
          "userAMResourceLimit": {"memory": 3072, "vCores": 1},
          "preemptionDisabled": true, "intraQueuePreemptionDisabled": true, "defaultPriority": 0,
          "isAutoCreatedLeafQueue": false, "maxApplicationLifetime": -1, "defaultApplicationLifetime": -1
        }
      ]}
    },
    {
      "type": "capacitySchedulerLeafQueueInfo", "queueName": "default", "state": "RUNNING",
      "capacity": 30.0, "usedCapacity": 41.666668, "maxCapacity": 100.0,
      "absoluteCapacity": 30.0, "absoluteMaxCapacity": 100.0, "absoluteUsedCapacity": 12.5,
      "numApplications": 1, "usedResources": "<memory:3072, vCores:3>", "resourcesUsed": {"memory": 3072, "vCores": 3},
      "allocatedContainers": 3, "reservedContainers": 0, "pendingContainers": 2,
      "numActiveApplications": 1, "numPendingApplications": 0, "numContainers": 3,
      "maxApplications": 3000, "maxApplicationsPerUser": 3000, "userLimit": 100, "userLimitFactor": 1.0,
      "users": {"user": [{"username": "alice", "resourcesUsed": {"memory": 3072, "vCores": 3},
        "numActiveApplications": 1, "numPendingApplications": 0}]},
      "configuredMaxAMResourceLimit": 0.1,
      "AMResourceLimit": {"memory": 1024, "vCores": 1}, "usedAMResource": {"memory": 1024, "vCores": 1},
      "userAMResourceLimit": {"memory": 1024, "vCores": 1},
      "preemptionDisabled": true, "intraQueuePreemptionDisabled": true, "defaultPriority": 0,
      "isAutoCreatedLeafQueue": false, "maxApplicationLifetime": -1, "defaultApplicationLifetime": -1
    }
  ]}
}}}`

func TestSchedulerRoundTrip(t *testing.T) {
	r := exactRoundTrip[SchedulerResponse](t, schedulerFixture)
	root := r.Scheduler.SchedulerInfo
	if root.Type != TypeCapacityScheduler || len(root.Queues.Queue) != 2 {
		t.Fatalf("decoded %+v", root)
	}
	prod, def := root.Queues.Queue[0], root.Queues.Queue[1]
	if prod.IsLeaf() || prod.Queues == nil || len(prod.Queues.Queue) != 1 || !prod.Queues.Queue[0].IsLeaf() {
		t.Errorf("parent queue decoded as %+v", prod)
	}
	if !def.IsLeaf() || def.Queues != nil || def.AMResourceLimit != api.Res(1024, 1) || len(def.Users.User) != 1 {
		t.Errorf("leaf queue decoded as %+v", def)
	}
	// The type discriminators are filled in when left empty.
	built := mustMarshal(t, SchedulerResponse{Scheduler{CapacitySchedulerInfo{QueueName: "root", Queues: CapacityQueueList{
		Queue: []CapacityQueue{{QueueName: "default", LeafQueue: &LeafQueue{}}}}}}})
	if !strings.Contains(built, `"type":"capacityScheduler"`) || !strings.Contains(built, `"type":"capacitySchedulerLeafQueueInfo"`) ||
		!strings.Contains(built, `"users":{}`) {
		t.Errorf("built scheduler = %s", built)
	}
	// The Hadoop 2 form of an empty user list decodes too.
	var q CapacityQueue
	if err := json.Unmarshal([]byte(`{"type":"capacitySchedulerLeafQueueInfo","queueName":"x","users":null}`), &q); err != nil || !q.IsLeaf() {
		t.Errorf("users:null: %+v %v", q, err)
	}
}

const appsFixture = `{"apps":{"app":[
  {
    "id": "application_1700000000000_0007", "user": "alice", "name": "pi", "queue": "default",
    "state": "RUNNING", "finalStatus": "UNDEFINED", "progress": 10.0, "trackingUI": "ApplicationMaster",
    "trackingUrl": "http://rm1.example.org:8088/proxy/application_1700000000000_0007/",
    "diagnostics": "", "clusterId": 1700000000000, "applicationType": "SPARK", "applicationTags": "nightly,team-a",
    "priority": 0, "startedTime": 1700000100000, "finishedTime": 0, "elapsedTime": 65000,
    "amContainerLogs": "http://worker7.example.org:8042/node/containerlogs/container_e01_1700000000000_0007_01_000001/alice",
    "amHostHttpAddress": "worker7.example.org:8042", "amRPCAddress": "worker7.example.org:39011",
    "allocatedMB": 3072, "allocatedVCores": 3, "runningContainers": 3, "memorySeconds": 190000, "vcoreSeconds": 185,
    "queueUsagePercentage": 41.666668, "clusterUsagePercentage": 12.5,
    "preemptedResourceMB": 0, "preemptedResourceVCores": 0, "numNonAMContainerPreempted": 0, "numAMContainerPreempted": 0,
    "logAggregationStatus": "NOT_START", "unmanagedApplication": false, "appNodeLabelExpression": "", "amNodeLabelExpression": ""
  },
  {
    "id": "application_1700000000000_0003", "user": "bob", "name": "wordcount", "queue": "default",
    "state": "FINISHED", "finalStatus": "SUCCEEDED", "progress": 100.0, "trackingUI": "History",
    "trackingUrl": "http://rm1.example.org:8088/cluster/app/application_1700000000000_0003",
    "diagnostics": "done", "clusterId": 1700000000000, "applicationType": "YARN", "applicationTags": "",
    "priority": -1, "startedTime": 1700000010000, "finishedTime": 1700000070000, "elapsedTime": 60000,
    "amContainerLogs": "http://worker2.example.org:8042/node/containerlogs/container_1700000000000_0003_01_000001/bob",
    "amHostHttpAddress": "worker2.example.org:8042",
    "allocatedMB": -1, "allocatedVCores": -1, "runningContainers": -1, "memorySeconds": 61000, "vcoreSeconds": 60,
    "queueUsagePercentage": 0.0, "clusterUsagePercentage": 0.0,
    "preemptedResourceMB": 0, "preemptedResourceVCores": 0, "numNonAMContainerPreempted": 0, "numAMContainerPreempted": 0,
    "logAggregationStatus": "DISABLED", "unmanagedApplication": false, "appNodeLabelExpression": "", "amNodeLabelExpression": ""
  }
]}}`

func TestAppsRoundTrip(t *testing.T) {
	r := exactRoundTrip[AppsResponse](t, appsFixture)
	a := r.Apps.App[0]
	if a.ID.Seq != 7 || a.State != api.AppRunning || SplitTags(a.ApplicationTags)[1] != "team-a" {
		t.Errorf("decoded %+v", a)
	}
	// A new app has no tracking URL and no AM yet: those members are left out.
	const newApp = `{"app":{"id":"application_1700000000000_0008","user":"u","name":"n","queue":"q","state":"ACCEPTED",
"finalStatus":"UNDEFINED","progress":0,"trackingUI":"UNASSIGNED","diagnostics":"","clusterId":1700000000000,
"applicationType":"YARN","applicationTags":"","priority":0,"startedTime":1,"finishedTime":0,"elapsedTime":5,
"allocatedMB":0,"allocatedVCores":0,"runningContainers":0,"memorySeconds":0,"vcoreSeconds":0,
"queueUsagePercentage":0,"clusterUsagePercentage":0,"preemptedResourceMB":0,"preemptedResourceVCores":0,
"numNonAMContainerPreempted":0,"numAMContainerPreempted":0,"logAggregationStatus":"DISABLED",
"unmanagedApplication":false,"appNodeLabelExpression":"","amNodeLabelExpression":""}}`
	exactRoundTrip[AppResponse](t, newApp)
}

func TestSmallBodies(t *testing.T) {
	exactRoundTrip[NewApplicationResponse](t, `{"application-id":"application_1700000000000_0009","maximum-resource-capability":{"memory":16384,"vCores":8}}`)
	exactRoundTrip[AppStateBody](t, `{"state":"KILLED"}`)
	exactRoundTrip[AppQueueBody](t, `{"queue":"prod.etl"}`)
	exactRoundTrip[AppPriorityBody](t, `{"priority":5}`)
	exactRoundTrip[AppStatInfoResponse](t, `{"appStatInfo":{"statItem":[{"state":"ACCEPTED","type":"spark","count":2},{"state":"RUNNING","type":"*","count":5}]}}`)
}

func TestAppAttemptsRoundTrip(t *testing.T) {
	const fixture = `{"appAttempts":{"appAttempt":[
  {"id": 1, "startTime": 1700000100000, "finishedTime": 1700000160000,
   "containerId": "container_1700000000000_0007_01_000001", "nodeHttpAddress": "worker7.example.org:8042",
   "nodeId": "worker7.example.org:45454",
   "logsLink": "http://worker7.example.org:8042/node/containerlogs/container_1700000000000_0007_01_000001/alice",
   "blacklistedNodes": "", "nodesBlacklistedBySystem": "", "appAttemptId": "appattempt_1700000000000_0007_000001",
   "exportPorts": "null", "appAttemptState": "FAILED"},
  {"id": 2, "startTime": 1700000170000, "finishedTime": 0, "containerId": "", "nodeHttpAddress": "", "nodeId": "",
   "logsLink": "", "blacklistedNodes": "", "nodesBlacklistedBySystem": "",
   "appAttemptId": "appattempt_1700000000000_0007_000002", "exportPorts": "", "appAttemptState": "SCHEDULED"}
]}}`
	r := exactRoundTrip[AppAttemptsResponse](t, fixture)
	if got := r.AppAttempts.AppAttempt; got[0].AppAttemptID.Attempt != 1 || !got[1].ContainerID.IsZero() {
		t.Errorf("decoded %+v", got)
	}
	exactRoundTrip[AppAttemptResponse](t, `{"appAttempt":{"appAttemptId":"appattempt_1700000000000_0007_000002",
"host":"worker7.example.org","rpcPort":39011,"trackingUrl":"http://rm1:8088/proxy/application_1700000000000_0007/",
"originalTrackingUrl":"http://worker7.example.org:4040","diagnosticsInfo":"","appAttemptState":"RUNNING",
"amContainerId":"container_1700000000000_0007_02_000001","startedTime":1700000170000,"finishedTime":0}}`)
}

func TestRMContainers(t *testing.T) {
	const fixture = `{"containers":{"container":[{
  "containerId": "container_e02_1700000000000_0007_01_000004", "allocatedMB": 2048, "allocatedVCores": 1,
  "assignedNodeId": "worker3.example.org:45454", "priority": 1, "startedTime": 1700000200000, "finishedTime": 0,
  "elapsedTime": 3000, "diagnosticsInfo": "", "logUrl": "http://worker3.example.org:8042/node/containerlogs/container_e02_1700000000000_0007_01_000004/alice",
  "containerExitStatus": 0, "containerState": "RUNNING", "nodeHttpAddress": "http://worker3.example.org:8042",
  "nodeId": "worker3.example.org:45454",
  "allocatedResources": [{"key": "memory-mb", "value": 2048}, {"key": "vcores", "value": 1}]}]}}`
	r := exactRoundTrip[RMContainersResponse](t, fixture)
	c := r.Containers.Container[0]
	if c.ContainerID.Epoch != 2 || c.ContainerState != api.RunRunning {
		t.Errorf("decoded %+v", c)
	}
	// YARN's documentation quotes the numbers of this object; accept that.
	var q RMContainerResponse
	err := json.Unmarshal([]byte(`{"container":{"containerId":"container_1700000000000_0007_01_000001","allocatedMB":"1536",
"allocatedVCores":"1","priority":"0","startedTime":"1700000100000","finishedTime":"0","elapsedTime":"4112",
"containerExitStatus":"0","containerState":"RUNNING","allocatedResources":[{"key":"memory-mb","value":"1536"}]}}`), &q)
	if err != nil || q.Container.AllocatedMB != 1536 || q.Container.ElapsedTime != 4112 || q.Container.AllocatedResources[0].Value != 1536 {
		t.Errorf("quoted numbers: %+v %v", q.Container, err)
	}
	if got := ResourceEntries(api.Res(2048, 1)); got[0] != (ResourceEntry{ResourceMemoryMB, 2048}) || got[1].Key != ResourceVCores {
		t.Errorf("ResourceEntries = %+v", got)
	}
}

func TestNodesRoundTrip(t *testing.T) {
	const node = `{"rack": "/default-rack", "state": "RUNNING", "id": "worker3.example.org:45454",
  "nodeHostName": "worker3.example.org", "nodeHTTPAddress": "worker3.example.org:8042",
  "lastHealthUpdate": 1700000300000, "version": "3.3.6", "healthReport": "", "numContainers": 2,
  "usedMemoryMB": 3072, "availMemoryMB": 5120, "usedVirtualCores": 2, "availableVirtualCores": 6,
  "resourceUtilization": {"nodePhysicalMemoryMB": 2200, "nodeVirtualMemoryMB": 2400, "nodeCPUUsage": 0.125,
    "aggregatedContainersPhysicalMemoryMB": 1800, "aggregatedContainersVirtualMemoryMB": 1900, "containersCPUUsage": 0.0625}}`
	r := exactRoundTrip[NodesResponse](t, `{"nodes":{"node":[`+node+`]}}`)
	if r.Nodes.Node[0].State != api.NodeRunning {
		t.Errorf("decoded %+v", r.Nodes.Node[0])
	}
	exactRoundTrip[NodeResponse](t, `{"node":`+node+`}`)
}

// Every collection encodes empty as Hadoop 3 does ({"x":{}}) and decodes
// every empty and single-element form a YARN daemon has sent.
func TestEmptyCollections(t *testing.T) {
	enc := []struct {
		v    any
		want string
	}{
		{AppsResponse{}, `{"apps":{}}`},
		{NodesResponse{}, `{"nodes":{}}`},
		{AppAttemptsResponse{}, `{"appAttempts":{}}`},
		{RMContainersResponse{}, `{"containers":{}}`},
		{AppStatInfoResponse{}, `{"appStatInfo":{}}`},
		{NMAppsResponse{}, `{"apps":{}}`},
		{QueueUserList{}, `{}`},
	}
	for _, c := range enc {
		if got := mustMarshal(t, c.v); got != c.want {
			t.Errorf("%T empty = %s, want %s", c.v, got, c.want)
		}
	}
	for _, body := range []string{`{"apps":null}`, `{"apps":{}}`, `{"apps":{"app":null}}`, `{"apps":{"app":[]}}`, `{}`} {
		var r AppsResponse
		if err := json.Unmarshal([]byte(body), &r); err != nil || len(r.Apps.App) != 0 {
			t.Errorf("%s: %+v %v", body, r, err)
		}
	}
	var one AppsResponse
	if err := json.Unmarshal([]byte(`{"apps":{"app":{"id":"application_1700000000000_0001","state":"NEW"}}}`), &one); err != nil ||
		len(one.Apps.App) != 1 || one.Apps.App[0].State != api.AppNew {
		t.Errorf("single element: %+v %v", one, err)
	}
	for _, bad := range []string{`{"apps":[1]}`, `{"apps":{"app":"x"}}`, `{"apps":{"app":[{"id":"nope"}]}}`} {
		var r AppsResponse
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s: decoded without error: %+v", bad, r)
		}
	}
}
