package rmmetrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

var _ Source = (*core.Core)(nil)

func always(s Source) func() Source { return func() Source { return s } }

type fakeSource struct {
	mu     sync.Mutex
	m      core.Metrics
	queues []scheduler.QueueInfo
}

func (f *fakeSource) Metrics() core.Metrics {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m
}

func (f *fakeSource) Queues() []scheduler.QueueInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queues
}

func newSource() *fakeSource {
	return &fakeSource{
		m: core.Metrics{AppsSubmitted: 7, AppsCompleted: 3, AppsPending: 2, AppsRunning: 1, AppsFailed: 4, AppsKilled: 5,
			Total: api.Res(16384, 16), Allocated: api.Res(2048, 2), Available: api.Res(14336, 14), Pending: api.Res(1024, 1),
			ContainersAllocated: 2, ContainersPending: 1,
			NodesByState: map[api.NodeState]int{api.NodeRunning: 2, api.NodeLost: 1}},
		queues: []scheduler.QueueInfo{
			{Path: "root", AbsoluteCapacity: 100, AbsoluteMaxCapacity: 100, AbsoluteUsedCapacity: 12.5, UsedCapacity: 12.5,
				Used: api.Res(2048, 2), Containers: 2, AppsActive: 1},
			{Path: "root.default", Leaf: true, AbsoluteCapacity: 60, AbsoluteMaxCapacity: 100, UsedCapacity: 25,
				AbsoluteUsedCapacity: 12.5, Used: api.Res(2048, 2), Containers: 2, AppsActive: 1, AppsPending: 3},
		},
	}
}

// value finds one sample by name and label pairs ("k=v"); ok is false when
// there is none.
func value(t *testing.T, reg prometheus.Gatherer, name string, labels ...string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				if !hasLabel(m, k, v) {
					continue metrics
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

func hasLabel(m *dto.Metric, k, v string) bool {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == k && lp.GetValue() == v {
			return true
		}
	}
	return false
}

func mustValue(t *testing.T, reg prometheus.Gatherer, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := value(t, reg, name, labels...)
	if !ok {
		t.Errorf("%s%v: missing", name, labels)
		return
	}
	if got != want {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

func TestClusterGaugesFromSnapshot(t *testing.T) {
	m, err := New(Deps{Active: always(newSource()), NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	reg := m.Registry()
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"goyarn_rm_ha_state", []string{"state=active"}, 1},
		{"goyarn_rm_ha_state", []string{"state=standby"}, 0},
		{"goyarn_rm_apps_submitted_total", nil, 7},
		{"goyarn_rm_apps_completed_total", nil, 3},
		{"goyarn_rm_apps_failed_total", nil, 4},
		{"goyarn_rm_apps_killed_total", nil, 5},
		{"goyarn_rm_apps_pending", nil, 2},
		{"goyarn_rm_apps_running", nil, 1},
		{"goyarn_rm_allocated_memory_bytes", nil, 2048 << 20},
		{"goyarn_rm_available_memory_bytes", nil, 14336 << 20},
		{"goyarn_rm_total_memory_bytes", nil, 16384 << 20},
		{"goyarn_rm_pending_memory_bytes", nil, 1024 << 20},
		{"goyarn_rm_allocated_vcores", nil, 2},
		{"goyarn_rm_available_vcores", nil, 14},
		{"goyarn_rm_total_vcores", nil, 16},
		{"goyarn_rm_pending_vcores", nil, 1},
		{"goyarn_rm_allocated_containers", nil, 2},
		{"goyarn_rm_pending_containers", nil, 1},
		{"goyarn_rm_nodes", []string{"state=running"}, 2},
		{"goyarn_rm_nodes", []string{"state=lost"}, 1},
		{"goyarn_rm_nodes", []string{"state=decommissioned"}, 0},
		{"goyarn_rm_queue_capacity_ratio", []string{"queue=root.default"}, 0.6},
		{"goyarn_rm_queue_max_capacity_ratio", []string{"queue=root.default"}, 1},
		{"goyarn_rm_queue_used_capacity_ratio", []string{"queue=root.default"}, 0.25},
		{"goyarn_rm_queue_absolute_used_capacity_ratio", []string{"queue=root.default"}, 0.125},
		{"goyarn_rm_queue_used_memory_bytes", []string{"queue=root.default"}, 2048 << 20},
		{"goyarn_rm_queue_used_vcores", []string{"queue=root"}, 2},
		{"goyarn_rm_queue_containers", []string{"queue=root.default"}, 2},
		{"goyarn_rm_queue_apps_active", []string{"queue=root.default"}, 1},
		{"goyarn_rm_queue_apps_pending", []string{"queue=root.default"}, 3},
		{"goyarn_rm_container_completions_total", []string{"reason=oom"}, 0},
		{"goyarn_rm_failovers_total", nil, 0},
	} {
		mustValue(t, reg, tc.want, tc.name, tc.labels...)
	}
}

func TestStandbyExportsOnlyItsOwnState(t *testing.T) {
	state := api.HAStandby
	var mu sync.Mutex
	src := newSource()
	m, err := New(Deps{NoRuntimeMetrics: true,
		HAState: func() api.HAState {
			mu.Lock()
			defer mu.Unlock()
			return state
		},
		Active: func() Source {
			mu.Lock()
			defer mu.Unlock()
			if state != api.HAActive {
				return nil
			}
			return src
		}})
	if err != nil {
		t.Fatal(err)
	}
	mustValue(t, m.Registry(), 1, "goyarn_rm_ha_state", "state=standby")
	mustValue(t, m.Registry(), 0, "goyarn_rm_ha_state", "state=active")
	mustValue(t, m.Registry(), 0, "goyarn_rm_failovers_total")
	for _, name := range []string{"goyarn_rm_apps_submitted_total", "goyarn_rm_nodes", "goyarn_rm_queue_capacity_ratio"} {
		if _, ok := value(t, m.Registry(), name); ok {
			t.Errorf("a standby exports %s", name)
		}
	}
	mu.Lock()
	state = api.HAActive
	mu.Unlock()
	m.BecameActive(3)
	mustValue(t, m.Registry(), 1, "goyarn_rm_ha_state", "state=active")
	mustValue(t, m.Registry(), 7, "goyarn_rm_apps_submitted_total")
	mustValue(t, m.Registry(), 1, "goyarn_rm_failovers_total")
}

func TestFailoverCount(t *testing.T) {
	m, err := New(Deps{NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, epoch := range []int64{0, 0, 1, 2, 5} { // memory store (no epochs), first term, two take-overs
		m.BecameActive(epoch)
	}
	mustValue(t, m.Registry(), 2, "goyarn_rm_failovers_total")
}

func TestObserverCountsAndHistograms(t *testing.T) {
	m, err := New(Deps{Active: always(newSource()), NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	var o Observer = m
	o.ScheduleDone(200*time.Microsecond, 3)
	o.ScheduleDone(2*time.Millisecond, 0)
	o.HeartbeatHandled(time.Millisecond)
	for _, st := range []int{0, 0, 1, 137, api.ExitKilledByAppMaster, api.ExitAborted, api.ExitKilledExceededPMem, api.ExitPreempted} {
		o.ContainerFinished(st)
	}
	reg := m.Registry()
	mustValue(t, reg, 2, "goyarn_rm_schedule_duration_seconds")
	mustValue(t, reg, 3, "goyarn_rm_containers_allocated_total")
	mustValue(t, reg, 1, "goyarn_rm_node_heartbeat_duration_seconds")
	for reason, want := range map[string]float64{"success": 2, "failed": 2, "killed": 1, "aborted": 1, "oom": 1,
		"preempted": 1, "disks_failed": 0, "invalid": 0} {
		mustValue(t, reg, want, "goyarn_rm_container_completions_total", "reason="+reason)
	}
	Nop{}.ScheduleDone(time.Second, 1) // the no-op compiles and does nothing
	var _ Observer = Nop{}
}

func TestInstrumentRPCTimesHeartbeatsOnly(t *testing.T) {
	m, err := New(Deps{Active: always(newSource()), NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	h := m.InstrumentRPC(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) }))
	for _, path := range []string{rpc.PathNodeHeartbeat, rpc.PathNodeRegister, rpc.PathAMAllocate, rpc.PathNodeHeartbeat} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, nil))
		if rec.Body.String() != path {
			t.Errorf("%s: the wrapped handler answered %q", path, rec.Body.String())
		}
	}
	mustValue(t, m.Registry(), 2, "goyarn_rm_node_heartbeat_duration_seconds")
}

// Scraping /metrics gives the text format with the conventional names, the
// runtime collectors, and a queue label that needs escaping intact.
func TestScrapeHandler(t *testing.T) {
	src := newSource()
	src.queues = append(src.queues, scheduler.QueueInfo{Path: `root.we"ird`, AbsoluteCapacity: 10})
	m, err := New(Deps{Active: always(src)})
	if err != nil {
		t.Fatal(err)
	}
	m.ScheduleDone(time.Millisecond, 1)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	text := string(body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`goyarn_rm_ha_state{state="active"} 1`,
		"# TYPE goyarn_rm_apps_submitted_total counter",
		"goyarn_rm_apps_submitted_total 7",
		"# TYPE goyarn_rm_schedule_duration_seconds histogram",
		`goyarn_rm_schedule_duration_seconds_bucket{le="0.001"} 1`,
		"goyarn_rm_containers_allocated_total 1",
		`goyarn_rm_nodes{state="running"} 2`,
		`goyarn_rm_queue_capacity_ratio{queue="root.we\"ird"} 0.1`,
		`goyarn_rm_container_completions_total{reason="success"} 0`,
		"goyarn_rm_failovers_total 0",
		"go_goroutines ", "process_cpu_seconds_total ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}

func TestBadLabelValueDoesNotBreakTheScrape(t *testing.T) {
	src := newSource()
	src.queues = append(src.queues, scheduler.QueueInfo{Path: "root.\xff", AbsoluteCapacity: 10})
	m, err := New(Deps{Active: always(src), NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "goyarn_rm_apps_submitted_total 7") {
		t.Errorf("scrape with a bad queue name: %d\n%s", rec.Code, rec.Body.String())
	}
}

// Without an Active func (or before the first term) only the HA state,
// counters and histograms are exported.
func TestWithoutCore(t *testing.T) {
	m, err := New(Deps{NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	mustValue(t, m.Registry(), 1, "goyarn_rm_ha_state", "state=active")
	mustValue(t, m.Registry(), 0, "goyarn_rm_failovers_total")
	if _, ok := value(t, m.Registry(), "goyarn_rm_apps_submitted_total"); ok {
		t.Error("cluster metrics without a core")
	}
	if got := ActiveCore(func() *core.Core { return nil })(); got != nil {
		t.Errorf("ActiveCore of nil = %#v, want nil", got)
	}
}
