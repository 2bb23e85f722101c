package webapp

import (
	"strconv"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

const scheme = "http"

// appDTO renders an application as YARN's app object.
func (s *Server) appDTO(v *core.AppView, clusterMem int64, queueMem int64, now time.Time) yarn.App {
	d := yarn.App{
		ID: v.ID, User: v.User, Name: v.Name, Queue: leafName(v.Queue), State: v.State, FinalStatus: v.FinalStatus,
		Progress: yarn.Float(v.Progress * 100), Diagnostics: v.Diagnostics, ClusterID: s.deps.Info().ClusterTimestamp,
		ApplicationType: v.Type, ApplicationTags: yarn.JoinTags(v.Tags), Priority: v.Priority,
		StartedTime: yarn.Millis(v.SubmitTime), FinishedTime: yarn.Millis(v.FinishTime),
		AllocatedMB: v.Allocated.MemoryMB, AllocatedVCores: v.Allocated.VCores, RunningContainers: int32(v.RunningContainers),
		MemorySeconds: v.MemorySeconds, VcoreSeconds: v.VcoreSeconds, LogAggregationStatus: string(v.LogAggregation),
		TrackingUI: yarn.TrackingUIUnassigned,
	}
	d.ElapsedTime = yarn.Elapsed(d.StartedTime, d.FinishedTime, now)
	switch {
	case v.State.Terminal():
		d.TrackingUI = yarn.TrackingUIHistory
		d.TrackingURL = yarn.AppPageURL(scheme, s.deps.WebAddress, v.ID.String())
		d.RunningContainers = -1
		if v.RunningContainers > 0 {
			d.RunningContainers = int32(v.RunningContainers)
		}
	case v.State == api.AppRunning:
		d.TrackingUI = yarn.TrackingUIAM
		d.TrackingURL = yarn.ProxyURL(scheme, s.deps.WebAddress, v.ID.String())
	}
	if !v.AMContainer.IsZero() && v.AMNodeHTTP != "" {
		d.AMContainerLogs = yarn.ContainerLogsURL(scheme, v.AMNodeHTTP, v.AMContainer.String(), v.User)
		d.AMHostHTTPAddress = v.AMNodeHTTP
	}
	if v.AMHost != "" {
		d.AMRPCAddress = v.AMHost + ":" + itoa(v.AMRPCPort)
	}
	if clusterMem > 0 {
		d.ClusterUsagePercentage = yarn.Percent(v.Allocated.MemoryMB, clusterMem)
	}
	if queueMem > 0 {
		d.QueueUsagePercentage = yarn.Percent(v.Allocated.MemoryMB, queueMem)
	}
	return d
}

func (s *Server) attemptDTO(app *core.AppView, v *core.AttemptView) yarn.AppAttempt {
	d := yarn.AppAttempt{
		ID: v.ID.Attempt, AppAttemptID: v.ID, StartTime: yarn.Millis(v.StartTime), FinishedTime: yarn.Millis(v.FinishTime),
		ContainerID: v.AMContainer, NodeHTTPAddress: v.NodeHTTP, NodeID: v.NodeID, AppAttemptState: v.State,
	}
	if !v.AMContainer.IsZero() && v.NodeHTTP != "" {
		d.LogsLink = yarn.ContainerLogsURL(scheme, v.NodeHTTP, v.AMContainer.String(), app.User)
	}
	return d
}

func (s *Server) attemptReport(app *core.AppView, v *core.AttemptView) yarn.AppAttemptReport {
	d := yarn.AppAttemptReport{
		AppAttemptID: v.ID, Host: "N/A", RPCPort: -1, DiagnosticsInfo: v.Diagnostics, AppAttemptState: v.State,
		AMContainerID: v.AMContainer, StartedTime: yarn.Millis(v.StartTime), FinishedTime: yarn.Millis(v.FinishTime),
	}
	if cur := app.Attempts[len(app.Attempts)-1]; cur.ID == v.ID && app.AMHost != "" {
		d.Host, d.RPCPort, d.OriginalTrackingURL = app.AMHost, int32(app.AMRPCPort), app.TrackingURL
		d.TrackingURL = yarn.ProxyURL(scheme, s.deps.WebAddress, app.ID.String())
	}
	return d
}

func (s *Server) containerDTO(app *core.AppView, v *core.ContainerView, now time.Time) yarn.RMContainer {
	d := yarn.RMContainer{
		ContainerID: v.ID, AllocatedMB: v.Resource.MemoryMB, AllocatedVCores: int32(v.Resource.VCores),
		AssignedNodeID: v.NodeID, NodeID: v.NodeID, Priority: v.Priority, StartedTime: yarn.Millis(v.Allocated),
		DiagnosticsInfo: v.Diagnostics, ContainerExitStatus: int32(v.ExitStatus), ContainerState: api.RunNew,
		AllocatedResources: yarn.ResourceEntries(v.Resource),
	}
	if v.State == api.ContainerRunning {
		d.ContainerState = api.RunRunning
	}
	if v.NodeHTTP != "" {
		d.NodeHTTPAddress = scheme + "://" + v.NodeHTTP
		d.LogURL = yarn.ContainerLogsURL(scheme, v.NodeHTTP, v.ID.String(), app.User)
	}
	d.ElapsedTime = yarn.Elapsed(d.StartedTime, d.FinishedTime, now)
	return d
}

func nodeDTO(v *core.NodeView) yarn.Node {
	avail := v.Total.Sub(v.Used)
	return yarn.Node{
		Rack: yarn.DefaultRack, State: v.State, ID: v.ID, NodeHostName: v.ID.Host, NodeHTTPAddress: v.HTTPAddress,
		LastHealthUpdate: yarn.Millis(v.LastHealthUpdate), Version: v.Version, HealthReport: v.HealthReport,
		NumContainers: int32(v.NumContainers), UsedMemoryMB: v.Used.MemoryMB, AvailMemoryMB: avail.MemoryMB,
		UsedVirtualCores: v.Used.VCores, AvailableVirtualCores: avail.VCores,
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
