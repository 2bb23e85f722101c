package nmmetrics

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

var _ Source = (*containermanager.Manager)(nil)

type fakeSource struct {
	list []containermanager.ContainerInfo
}

func (f fakeSource) Containers() []containermanager.ContainerInfo { return f.list }

func (f fakeSource) Allocated() api.Resource {
	var r api.Resource
	for _, c := range f.list {
		if !c.Complete {
			r = r.Add(c.Resource)
		}
	}
	return r
}

func newSource() fakeSource {
	return fakeSource{list: []containermanager.ContainerInfo{
		{State: api.NMContainerRunning, Resource: api.Res(1024, 1)},
		{State: api.NMContainerRunning, Resource: api.Res(2048, 2)},
		{State: api.NMContainerLocalizing, Resource: api.Res(512, 1)},
		{State: api.NMContainerExitedSuccess, Complete: true, Resource: api.Res(4096, 4)},
	}}
}

func value(t *testing.T, reg prometheus.Gatherer, name string, label ...string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if len(label) == 1 {
				k, v, _ := strings.Cut(label[0], "=")
				found := false
				for _, lp := range m.GetLabel() {
					found = found || lp.GetName() == k && lp.GetValue() == v
				}
				if !found {
					continue
				}
			}
			switch {
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func mustValue(t *testing.T, reg prometheus.Gatherer, want float64, name string, label ...string) {
	t.Helper()
	if got, ok := value(t, reg, name, label...); !ok || got != want {
		t.Errorf("%s%v = %v (present %v), want %v", name, label, got, ok, want)
	}
}

func TestGaugesFromSnapshot(t *testing.T) {
	m, err := New(Deps{Source: newSource(), Total: api.Res(8192, 8), NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	reg := m.Registry()
	mustValue(t, reg, 2, "goyarn_nm_containers", "state=running")
	mustValue(t, reg, 1, "goyarn_nm_containers", "state=localizing")
	mustValue(t, reg, 1, "goyarn_nm_containers", "state=exited_with_success")
	mustValue(t, reg, 0, "goyarn_nm_containers", "state=done")
	mustValue(t, reg, 3584<<20, "goyarn_nm_allocated_memory_bytes")
	mustValue(t, reg, 4, "goyarn_nm_allocated_vcores")
	mustValue(t, reg, 8192<<20, "goyarn_nm_total_memory_bytes")
	mustValue(t, reg, 8, "goyarn_nm_total_vcores")
}

func TestObserver(t *testing.T) {
	m, err := New(Deps{Source: fakeSource{}, NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	var o Observer = m
	o.ContainerLaunched()
	o.ContainerLaunched()
	o.ContainerLaunchFailed(api.NMContainerLocalizationFailed)
	o.ContainerLaunchFailed(api.NMContainerExitedFailure)
	o.ContainerLaunchFailed(api.NMContainerCleanedUpAfterKill)
	o.ContainerLaunchFailed(api.NMContainerExitedFailure)
	for _, st := range []int{0, 1, api.ExitKilledAfterAppCompletion, api.ExitKilledExceededPMem, api.ExitAborted} {
		o.ContainerCompleted(st)
	}
	o.HeartbeatDone(3*time.Millisecond, nil)
	o.HeartbeatDone(time.Second, errors.New("connection refused"))
	reg := m.Registry()
	mustValue(t, reg, 2, "goyarn_nm_containers_launched_total")
	mustValue(t, reg, 1, "goyarn_nm_container_launch_failures_total", "reason=localization")
	mustValue(t, reg, 2, "goyarn_nm_container_launch_failures_total", "reason=launch")
	mustValue(t, reg, 1, "goyarn_nm_container_launch_failures_total", "reason=killed")
	for reason, want := range map[string]float64{"success": 1, "failed": 1, "killed": 1, "oom": 1, "aborted": 1, "preempted": 0} {
		mustValue(t, reg, want, "goyarn_nm_container_completions_total", "reason="+reason)
	}
	mustValue(t, reg, 2, "goyarn_nm_heartbeat_duration_seconds")
	mustValue(t, reg, 1, "goyarn_nm_heartbeat_failures_total")
	var _ Observer = Nop{}
}

func TestLaunchFailureReasons(t *testing.T) {
	for st, want := range map[api.NMContainerState]string{
		api.NMContainerLocalizationFailed: "localization", api.NMContainerExitedFailure: "launch",
		api.NMContainerCleanedUpAfterKill: "killed",
	} {
		if got := LaunchFailureReason(st); got != want {
			t.Errorf("LaunchFailureReason(%s) = %q, want %q", st, got, want)
		}
	}
}

func TestScrape(t *testing.T) {
	m, err := New(Deps{Source: newSource(), Total: api.Res(8192, 8)})
	if err != nil {
		t.Fatal(err)
	}
	m.HeartbeatDone(2*time.Millisecond, nil)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, want := range []string{
		`goyarn_nm_containers{state="running"} 2`, "# TYPE goyarn_nm_containers_launched_total counter",
		`goyarn_nm_heartbeat_duration_seconds_bucket{le="0.0025"} 1`, "goyarn_nm_total_memory_bytes 8.589934592e+09",
		`goyarn_nm_container_completions_total{reason="oom"} 0`, "go_goroutines ", "process_cpu_seconds_total ",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(string(body))
	}
}

func TestSourceSetLater(t *testing.T) {
	m, err := New(Deps{Total: api.Res(8192, 8), NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := value(t, m.Registry(), "goyarn_nm_containers", "state=running"); ok {
		t.Error("container gauges without a source")
	}
	mustValue(t, m.Registry(), 0, "goyarn_nm_containers_launched_total")
	m.SetSource(newSource())
	mustValue(t, m.Registry(), 2, "goyarn_nm_containers", "state=running")
}
