// Package nmmetrics exposes a NodeManager's Prometheus metrics at /metrics,
// on a registry of its own (never the global default one).
//
// Gauges — containers by state, allocated and total memory and vcores — are
// read from the container manager's snapshots at scrape time by a custom
// Collector (SetSource names the manager once it exists: it takes the
// Metrics as its Observer, so it is built second). Counters and histograms are fed through Observer, which the
// container manager (launches, launch failures, completions) and the status
// updater (heartbeat round trips to the RM) call; Nop does nothing.
//
// Names follow Prometheus conventions: goyarn_nm_ prefix, _total for
// counters, _seconds and _bytes in base units, label values in lower case.
// Exit reasons are the RM's too: both label completions with
// api.ExitReason.
//
// It must not change container state or talk to the RM.
package nmmetrics
