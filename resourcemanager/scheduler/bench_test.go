package scheduler

import (
	"math/rand/v2"
	"testing"

	"github.com/goyarn/goyarn/api"
)

// benchCluster: 5,000 nodes of 64 GB/32 vcores under four queues (40/30/20/10,
// all elastic to 100%), with 100 running apps, 25 per queue.
func benchCluster(b *testing.B) *Scheduler {
	b.Helper()
	s := mustNew(b, tree(
		QueueConfig{Name: "a", Capacity: 40}, QueueConfig{Name: "b", Capacity: 30},
		QueueConfig{Name: "c", Capacity: 20}, QueueConfig{Name: "d", Capacity: 10},
	))
	addNodes(b, s, 5000, api.Res(64*1024, 32))
	for i := range 100 {
		addApp(b, s, i+1, string(rune('a'+i%4)), int32(i%3))
	}
	return s
}

// runBench times Schedule only; setup (asks) and teardown (releasing what
// was placed) run with the timer stopped. It reports containers/s.
func runBench(b *testing.B, s *Scheduler, ask func()) {
	placed := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ask()
		b.StartTimer()
		ps := s.Schedule(t0)
		b.StopTimer()
		placed += len(ps)
		for _, p := range ps {
			s.Release(p)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(placed)/b.Elapsed().Seconds(), "containers/s")
	b.ReportMetric(float64(placed)/float64(b.N), "containers/op")
}

// BenchmarkSchedule: 100 apps each ask 1,000 × 1 GB/1 vcore: 100,000
// containers per Schedule call on an empty 5,000-node cluster (room for
// 160,000).
func BenchmarkSchedule(b *testing.B) {
	s := benchCluster(b)
	runBench(b, s, func() {
		for i := range 100 {
			mustNil(b, s.SetAsk(appID(i+1), 1, api.Res(1024, 1), 1000))
		}
	})
}

// BenchmarkScheduleMixed: as BenchmarkSchedule with three sizes per app
// (1 GB/1, 2.5 GB/2, 6 GB/4 at three priorities).
func BenchmarkScheduleMixed(b *testing.B) {
	s := benchCluster(b)
	runBench(b, s, func() {
		for i := range 100 {
			mustNil(b, s.SetAsk(appID(i+1), 1, api.Res(1024, 1), 400))
			mustNil(b, s.SetAsk(appID(i+1), 2, api.Res(2500, 2), 200))
			mustNil(b, s.SetAsk(appID(i+1), 3, api.Res(6144, 4), 50))
		}
	})
}

// BenchmarkScheduleFragmented: the cluster is first filled to about 95% with
// containers of random sizes, leaving 0-7 GB holes scattered over the nodes;
// then 100 apps ask for far more 2 GB/1 and 4 GB/2 containers than fit, so
// every pass ends with the holes filled and the rest of the demand refused.
func BenchmarkScheduleFragmented(b *testing.B) {
	s := benchCluster(b)
	filler := appID(1000)
	mustNil(b, s.AddApp(AppSpec{ID: filler, Queue: "d"}))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		free := api.Res(64*1024, 32)
		hole := int64(r.IntN(8)) * 1024
		for free.MemoryMB > hole {
			c := api.Res(min(int64(1+r.IntN(8))*1024, free.MemoryMB-hole), int64(1+r.IntN(2)))
			if c.MemoryMB <= 0 || c.VCores > free.VCores-1 {
				break
			}
			mustNil(b, s.Allocate(Placement{App: filler, Node: nodeID(i), Resource: c}))
			free = free.Sub(c)
		}
	}
	total, used := s.Cluster()
	full := 100 * float64(used.MemoryMB) / float64(total.MemoryMB)
	runBench(b, s, func() {
		for i := range 100 {
			mustNil(b, s.SetAsk(appID(i+1), 1, api.Res(2048, 1), 500))
			mustNil(b, s.SetAsk(appID(i+1), 2, api.Res(4096, 2), 500))
		}
	})
	b.ReportMetric(full, "%mem-full-before")
}

// BenchmarkScheduleNothingFits: the cost of a Schedule call (per NM heartbeat,
// say) when 100 apps wait but nothing fits.
func BenchmarkScheduleNothingFits(b *testing.B) {
	s := benchCluster(b)
	for i := range 100 {
		mustNil(b, s.SetAsk(appID(i+1), 1, api.Res(1024, 1), 2000))
	}
	s.Schedule(t0) // fills the cluster
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if ps := s.Schedule(t0); len(ps) != 0 {
			b.Fatal("placed")
		}
	}
}
