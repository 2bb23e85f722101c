package nmmetrics

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/nodemanager/containermanager"
)

// Source is what the scrape-time collector reads.
// *containermanager.Manager satisfies it.
type Source interface {
	Containers() []containermanager.ContainerInfo
	Allocated() api.Resource
}

// Deps are the metrics' collaborators.
type Deps struct {
	// Source is the container manager. It may be set later with
	// SetSource (the manager takes the Metrics as its Observer, so it is
	// built after them); until then the snapshot gauges are left out.
	Source Source
	Total  api.Resource // the node's resources for containers
	// NoRuntimeMetrics leaves out the Go runtime and process collectors.
	NoRuntimeMetrics bool
}

// Metrics is the NM's registry and its instruments.
type Metrics struct {
	reg            *prometheus.Registry
	launched       prometheus.Counter
	launchFailures *prometheus.CounterVec
	completions    *prometheus.CounterVec
	heartbeat      prometheus.Histogram
	hbFailures     prometheus.Counter
	snap           *snapshot
}

var _ Observer = (*Metrics)(nil)

// rttBuckets suit a round trip to the RM: 0.5 ms to 10 s.
var rttBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New builds the registry with every metric registered.
func New(d Deps) (*Metrics, error) {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		launched: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "goyarn_nm_containers_launched_total", Help: "Containers the runtime started."}),
		launchFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goyarn_nm_container_launch_failures_total", Help: "Containers that never ran, by reason."}, []string{"reason"}),
		completions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goyarn_nm_container_completions_total",
			Help: "Launched containers that ended, by reason (from the YARN exit status)."}, []string{"reason"}),
		heartbeat: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "goyarn_nm_heartbeat_duration_seconds", Help: "Round trip of one heartbeat to the ResourceManager.",
			Buckets: rttBuckets}),
		hbFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "goyarn_nm_heartbeat_failures_total", Help: "Heartbeats to the ResourceManager that failed."}),
	}
	for _, r := range api.ExitReasons {
		m.completions.WithLabelValues(r)
	}
	for _, r := range []string{LaunchLocalization, LaunchError, LaunchKilled} {
		m.launchFailures.WithLabelValues(r)
	}
	m.snap = &snapshot{total: d.Total}
	m.SetSource(d.Source)
	cs := []prometheus.Collector{m.launched, m.launchFailures, m.completions, m.heartbeat, m.hbFailures, m.snap}
	if !d.NoRuntimeMetrics {
		cs = append(cs, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// SetSource sets (or replaces) what the scrape-time collector reads.
func (m *Metrics) SetSource(src Source) {
	m.snap.mu.Lock()
	m.snap.src = src
	m.snap.mu.Unlock()
}

// Registry is the NM's registry (for tests and extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
}

// ContainerLaunched implements Observer.
func (m *Metrics) ContainerLaunched() { m.launched.Inc() }

// ContainerLaunchFailed implements Observer.
func (m *Metrics) ContainerLaunchFailed(state api.NMContainerState) {
	m.launchFailures.WithLabelValues(LaunchFailureReason(state)).Inc()
}

// ContainerCompleted implements Observer.
func (m *Metrics) ContainerCompleted(exitStatus int) {
	m.completions.WithLabelValues(api.ExitReason(exitStatus)).Inc()
}

// HeartbeatDone implements Observer.
func (m *Metrics) HeartbeatDone(rtt time.Duration, err error) {
	m.heartbeat.Observe(rtt.Seconds())
	if err != nil {
		m.hbFailures.Inc()
	}
}

const mib = 1 << 20

var (
	containersDesc = prometheus.NewDesc("goyarn_nm_containers", "Containers on this node by state.", []string{"state"}, nil)
	allocMemDesc   = prometheus.NewDesc("goyarn_nm_allocated_memory_bytes", "Memory allocated to containers not yet completed.", nil, nil)
	allocVCDesc    = prometheus.NewDesc("goyarn_nm_allocated_vcores", "Virtual cores allocated to containers not yet completed.", nil, nil)
	totalMemDesc   = prometheus.NewDesc("goyarn_nm_total_memory_bytes", "Memory this node offers to containers.", nil, nil)
	totalVCDesc    = prometheus.NewDesc("goyarn_nm_total_vcores", "Virtual cores this node offers to containers.", nil, nil)
)

// nmContainerStates are every NM container state, each exported (0 too).
var nmContainerStates = []api.NMContainerState{
	api.NMContainerNew, api.NMContainerLocalizing, api.NMContainerLocalizationFailed, api.NMContainerLocalized,
	api.NMContainerRunning, api.NMContainerKilling, api.NMContainerExitedSuccess, api.NMContainerExitedFailure,
	api.NMContainerCleanedUpAfterKill, api.NMContainerDone,
}

type snapshot struct {
	total api.Resource

	mu  sync.Mutex
	src Source // nil until SetSource
}

func (s *snapshot) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{containersDesc, allocMemDesc, allocVCDesc, totalMemDesc, totalVCDesc} {
		ch <- d
	}
}

func (s *snapshot) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	s.mu.Lock()
	src := s.src
	s.mu.Unlock()
	if src == nil {
		return
	}
	counts := map[api.NMContainerState]int{}
	for _, c := range src.Containers() {
		counts[c.State]++
	}
	for _, st := range nmContainerStates {
		gauge(containersDesc, float64(counts[st]), strings.ToLower(string(st)))
	}
	a := src.Allocated()
	gauge(allocMemDesc, float64(a.MemoryMB*mib))
	gauge(allocVCDesc, float64(a.VCores))
	gauge(totalMemDesc, float64(s.total.MemoryMB*mib))
	gauge(totalVCDesc, float64(s.total.VCores))
}
