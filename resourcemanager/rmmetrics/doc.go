// Package rmmetrics exposes the ResourceManager's Prometheus metrics at
// /metrics, on a registry of its own (never the global default one).
//
// Gauges that describe the cluster now — applications, memory and vcores,
// containers, nodes by state, queue usage — and the HA state are read at
// scrape time by a custom Collector, from the core of the current term (a
// new term's core is picked up at the next scrape), so nothing has to keep
// them up to date. A standby holds no cluster state: it exports only its HA
// state, its own counters and histograms, and the Go/process metrics.
//
// Counters and histograms need to be told what happened: Metrics implements
// Observer (ScheduleDone, HeartbeatHandled, ContainerFinished,
// BecameActive), which the core and the server call; InstrumentRPC times
// NM heartbeats around the RPC handler without touching the core. Nop is the
// do-nothing Observer.
//
// Names follow Prometheus conventions: goyarn_rm_ prefix, _total for
// counters, _seconds and _bytes in base units, ratios as 0..1, label values
// in lower case.
//
// It must not change RM state or import the web UI.
package rmmetrics
