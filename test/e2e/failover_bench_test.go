package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/test/cluster"
)

const benchSessionTimeout = 2 * time.Second

// acceptingAt polls every RM but skip until one accepts a submission (202),
// as an HA-aware client does, and returns when.
func acceptingAt(b *testing.B, c *cluster.HACluster, skip int) time.Time {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for i := range c.RMs {
			if i == skip {
				continue
			}
			web := "http://" + c.WebOf(i) + "/ws/v1/cluster/apps"
			res, err := hc.Post(web+"/new-application", "application/json", nil)
			if err != nil {
				continue
			}
			var na yarn.NewApplicationResponse
			ok := res.StatusCode == 200 && json.NewDecoder(res.Body).Decode(&na) == nil
			res.Body.Close()
			if !ok {
				continue
			}
			body := fmt.Sprintf(`{"application-id":"%s","application-name":"bench","resource":{"memory":1024,"vCores":1},"am-container-spec":{"commands":{"command":"true"}}}`, na.ApplicationID)
			res, err = hc.Post(web+"?user.name=bench", "application/json", strings.NewReader(body))
			if err != nil {
				continue
			}
			res.Body.Close()
			if res.StatusCode == 202 {
				return time.Now()
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatal("no RM accepted a submission within 60 s")
	return time.Time{}
}

// benchFailover measures, for each iteration, the time from taking the
// active RM down (kill -9, or a graceful SIGTERM) to another RM accepting a
// submission; then brings the old one back as a standby.
func benchFailover(b *testing.B, graceful bool) {
	c := cluster.StartHA(b, cluster.HAOptions{Options: cluster.Options{NodeManagers: 1}, SessionTimeout: benchSessionTimeout})
	var total, worst time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		active := c.WaitActive(-1, 30*time.Second)
		b.StartTimer()
		start := time.Now()
		if graceful {
			c.RMs[active].Stop(10 * time.Second)
		} else {
			c.RMs[active].Kill()
		}
		took := acceptingAt(b, c, active).Sub(start)
		b.StopTimer()
		total += took
		worst = max(worst, took)
		c.RestartRM(active)
		b.StartTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/failover")
	b.ReportMetric(worst.Seconds(), "s-worst")
	b.ReportMetric(benchSessionTimeout.Seconds(), "s-zk-session")
}

// BenchmarkFailoverKill: kill -9 of the active RM to a new active accepting
// a submission (target: the ZooKeeper session timeout + 1 s).
func BenchmarkFailoverKill(b *testing.B) { benchFailover(b, false) }

// BenchmarkFailoverGraceful: SIGTERM of the active RM (it resigns) to a new
// active accepting a submission.
func BenchmarkFailoverGraceful(b *testing.B) { benchFailover(b, true) }
