package zkelect

import (
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/zookeeper"
)

// BenchmarkHandover measures, on a 3-server ensemble, how long after the
// leader leaves (Close: its session ends at once) the next candidate is
// Elected; and, with the leader's traffic frozen as by kill -9 or SIGSTOP,
// how long until another is Elected — the servers must first expire the
// session, so this tracks the session timeout.
//
//	go test -run '^$' -bench Handover ./resourcemanager/ha/zkelect
func BenchmarkHandover(b *testing.B) {
	zks := zookeeper.Start(b, zookeeper.Options{Servers: 3})
	b.Run("close", func(b *testing.B) {
		var total time.Duration
		for range b.N {
			total += handover(b, zks, false, 3*time.Second)
		}
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/handover")
	})
	for _, session := range []time.Duration{2 * time.Second, 4 * time.Second} {
		b.Run("dead-leader/session="+session.String(), func(b *testing.B) {
			var total time.Duration
			for range b.N {
				total += handover(b, zks, true, session)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/takeover")
		})
	}
}

// handover elects one of two electors, removes it (close or freeze), and
// returns the time until the other is elected.
func handover(b *testing.B, zks *zookeeper.Ensemble, freeze bool, session time.Duration) time.Duration {
	b.StopTimer()
	tl := &timeline{}
	cluster := clusterID()
	proxy := zookeeper.NewProxy(b, zks.Addrs()...)
	a := start(b, tl, cluster, "rm1", []string{proxy.Addr()}, session)
	waitFor(b, patient, "rm1 leads", a.IsLeader)
	c := start(b, tl, cluster, "rm2", zks.Addrs(), session)
	waitFor(b, patient, "rm2 names rm1", func() bool { l, _ := c.Leader(); return l.HAID == "rm1" })
	b.StartTimer()
	t0 := time.Now()
	if freeze {
		proxy.Freeze()
	} else {
		a.Close()
	}
	waitFor(b, patient, "rm2 leads", c.IsLeader)
	d := time.Since(t0)
	b.StopTimer()
	proxy.Thaw()
	a.Close()
	c.Close()
	b.StartTimer()
	return d
}
