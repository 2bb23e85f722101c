package containermanager

import (
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/nodemanager/logaggregation"
)

type statusOnly struct {
	status api.LogAggregationStatus
	at     time.Time
	ok     bool
}

func (s statusOnly) Aggregate(logaggregation.App) {}
func (s statusOnly) Status(api.ApplicationID) (api.LogAggregationStatus, time.Time, bool) {
	return s.status, s.at, s.ok
}

// Local logs go after LogRetain unless aggregated, AggregatedLogRetain
// after a successful aggregation, never while it runs — and, when no status
// is known (never handed over, or forgotten), after the longer of the two,
// so no node keeps logs forever.
func TestLogsExpired(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	a := &app{id: api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, finished: true, finishedAt: t0}
	cfg := Config{LogRetain: 5 * time.Minute, AggregatedLogRetain: 10 * time.Minute}
	for _, tc := range []struct {
		name   string
		agg    LogAggregator
		after  time.Duration
		expire bool
	}{
		{"not aggregated, young", nil, 4 * time.Minute, false},
		{"not aggregated, old", nil, 5 * time.Minute, true},
		{"running", statusOnly{api.LogAggRunning, t0, true}, time.Hour, false},
		{"succeeded, young", statusOnly{api.LogAggSucceeded, t0.Add(time.Minute), true}, 10 * time.Minute, false},
		{"succeeded, old", statusOnly{api.LogAggSucceeded, t0.Add(time.Minute), true}, 11 * time.Minute, true},
		{"failed", statusOnly{api.LogAggFailed, t0.Add(time.Minute), true}, 5 * time.Minute, true},
		{"unknown, young", statusOnly{}, 9 * time.Minute, false},
		{"unknown, old", statusOnly{}, 10 * time.Minute, true},
	} {
		m := &Manager{cfg: cfg, agg: tc.agg}
		if got := m.logsExpired(a, t0.Add(tc.after)); got != tc.expire {
			t.Errorf("%s: logsExpired after %s = %v, want %v", tc.name, tc.after, got, tc.expire)
		}
	}
}
