package multihost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// accepting waits until an RM other than dead accepts a submission
// (new-application, then submit: 202), as an HA-aware client would, and
// returns when.
func (s *Seed) accepting(b *testing.B, dead int) time.Time {
	hc := s.Client.HTTPClient(2 * time.Second)
	post := func(url string, body []byte) (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.Token)
		return hc.Do(req)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for i, h := range s.Hosts {
			if i == dead {
				continue
			}
			web := fmt.Sprintf("http://%s:%d/ws/v1/cluster/apps", h.IP, rmWeb)
			res, err := post(web+"/new-application?user.name=bench", nil)
			if err != nil {
				continue
			}
			var na struct {
				ID string `json:"application-id"`
			}
			ok := res.StatusCode == http.StatusOK && json.NewDecoder(res.Body).Decode(&na) == nil
			res.Body.Close()
			if !ok {
				continue
			}
			body := fmt.Sprintf(`{"application-id":"%s","application-name":"bench","resource":{"memory":512,"vCores":1},"am-container-spec":{"commands":{"command":"true"}}}`, na.ID)
			if res, err = post(web+"?user.name=bench", []byte(body)); err != nil {
				continue
			}
			res.Body.Close()
			if res.StatusCode == http.StatusAccepted {
				return time.Now()
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatal("no RM accepted a submission within 60 s")
	return time.Time{}
}

// BenchmarkSeedHostLoss: on the seed's three simulated hosts, every process
// of the active RM's host (its ZooKeeper server, RM and NodeManager) is
// killed; the figure is the time until an RM on another host accepts a
// submission. The dead host's daemons then start again and it rejoins as
// a standby before the next round.
func BenchmarkSeedHostLoss(b *testing.B) {
	s := Start(b, Options{NoLogAggregation: true})
	var total, worst time.Duration
	for i := 0; i < b.N; i++ {
		active := s.ActiveRM()
		if active < 0 {
			b.Fatal("no active RM")
		}
		t0 := time.Now()
		s.Hosts[active].KillAll()
		took := s.accepting(b, active).Sub(t0)
		total += took
		worst = max(worst, took)
		s.ZK[active] = s.startZK(active)
		s.RMs[active] = s.StartRM(active)
		s.NMs[active] = s.StartNM(active)
		s.WaitFor(b, "the host to rejoin", 2*time.Minute, func() (bool, string) {
			out, err := s.REST("/ws/v1/cluster/metrics")
			var m struct {
				ClusterMetrics struct{ ActiveNodes int } `json:"clusterMetrics"`
			}
			if err != nil || json.Unmarshal(out, &m) != nil {
				return false, fmt.Sprint(err)
			}
			return m.ClusterMetrics.ActiveNodes == 3, string(out)
		})
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/failover")
	b.ReportMetric(worst.Seconds(), "s-worst")
	b.ReportMetric(s.opts.SessionTimeout.Seconds(), "s-zk-session")
	b.ReportMetric(0, "ns/op")
}
