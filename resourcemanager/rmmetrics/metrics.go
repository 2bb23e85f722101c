package rmmetrics

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
)

// Source is what the scrape-time collector reads. *core.Core satisfies it.
type Source interface {
	Metrics() core.Metrics
	Queues() []scheduler.QueueInfo
}

// ActiveCore adapts the RM's "core of the current term, nil while standby"
// func to Deps.Active, keeping a nil *core.Core a nil Source.
func ActiveCore(f func() *core.Core) func() Source {
	return func() Source {
		if cr := f(); cr != nil {
			return cr
		}
		return nil
	}
}

// Deps are the metrics' collaborators.
type Deps struct {
	// Active returns the core while this RM is active and nil while it is
	// not (see ActiveCore); nil or nil-returning: only the HA state, the
	// counters and the histograms are exported.
	Active func() Source
	// HAState is this RM's HA state now; nil means no HA (always ACTIVE).
	HAState func() api.HAState
	// NoRuntimeMetrics leaves out the Go runtime and process collectors
	// (tests that compare whole outputs set it).
	NoRuntimeMetrics bool
}

// Metrics is the RM's registry and its instruments.
type Metrics struct {
	reg         *prometheus.Registry
	schedule    prometheus.Histogram
	allocated   prometheus.Counter
	heartbeat   prometheus.Histogram
	completions *prometheus.CounterVec
	failovers   prometheus.Counter
	snap        *snapshot
}

var _ Observer = (*Metrics)(nil)

// fastBuckets suit in-memory work (a scheduling pass, handling a heartbeat):
// 50 µs to 1 s.
var fastBuckets = []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}

// New builds the registry with every metric registered.
func New(d Deps) (*Metrics, error) {
	if d.HAState == nil {
		d.HAState = func() api.HAState { return api.HAActive }
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		schedule: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "goyarn_rm_schedule_duration_seconds", Help: "Time one scheduling pass took.", Buckets: fastBuckets}),
		allocated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "goyarn_rm_containers_allocated_total", Help: "Containers the scheduler allocated."}),
		heartbeat: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "goyarn_rm_node_heartbeat_duration_seconds", Help: "Time handling one NodeManager heartbeat took.",
			Buckets: fastBuckets}),
		completions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goyarn_rm_container_completions_total",
			Help: "Containers that ended, by reason (from the YARN exit status)."}, []string{"reason"}),
		failovers: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "goyarn_rm_failovers_total",
			Help: "Times this ResourceManager took over from an earlier active one (summed over the RMs: the cluster's failovers)."}),
	}
	for _, r := range api.ExitReasons {
		m.completions.WithLabelValues(r)
	}
	m.snap = &snapshot{ha: d.HAState, active: d.Active}
	cs := []prometheus.Collector{m.schedule, m.allocated, m.heartbeat, m.completions, m.failovers, m.snap}
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

// Registry is the RM's registry (for tests and extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
}

// ScheduleDone implements Observer.
func (m *Metrics) ScheduleDone(d time.Duration, placed int) {
	m.schedule.Observe(d.Seconds())
	if placed > 0 {
		m.allocated.Add(float64(placed))
	}
}

// HeartbeatHandled implements Observer.
func (m *Metrics) HeartbeatHandled(d time.Duration) { m.heartbeat.Observe(d.Seconds()) }

// ContainerFinished implements Observer.
func (m *Metrics) ContainerFinished(exitStatus int) {
	m.completions.WithLabelValues(api.ExitReason(exitStatus)).Inc()
}

// BecameActive implements Observer. Every term bumps the cluster-wide
// epoch, the first term of the cluster's store to 1: a term with a higher
// epoch took over from an earlier active RM, which is a failover.
func (m *Metrics) BecameActive(epoch int64) {
	if epoch > 1 {
		m.failovers.Inc()
	}
}

// InstrumentRPC wraps the RM's internal RPC handler to time NM heartbeats.
func (m *Metrics) InstrumentRPC(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != rpc.PathNodeHeartbeat {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		next.ServeHTTP(w, r)
		m.HeartbeatHandled(time.Since(start))
	})
}

// label is a state as a label value: lower case.
func label[S ~string](s S) string { return strings.ToLower(string(s)) }
