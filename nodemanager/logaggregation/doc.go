// Package logaggregation uploads a finished application's container logs
// from this node to the remote-app-log-dir (YARN's log aggregation), and
// keeps the per-application status the NodeManager reports to the RM.
//
// When the RM tells the node an application finished and its containers
// have all exited, the container manager hands the application to
// Aggregator.Aggregate. The aggregator builds ONE archive of every
// container's log dir (WriteArchive; the format and object layout are
// api/logagg's) in a temp file under a local dir, uploads it with the size
// Put needs, and removes the temp file. A failed upload is tried again with
// a doubling back-off (Config.Attempts, default 4); then the status is
// FAILED. Statuses go NOT_START → RUNNING → SUCCEEDED, or through
// RUNNING_WITH_FAILURE (an attempt failed, another follows) to SUCCEEDED or
// FAILED.
//
// Log dirs are written by containers, which are the attacker here: names are
// opened relative to the dir's descriptor with O_NOFOLLOW|O_NONBLOCK and
// fstat-checked, so symlinks, FIFOs, sockets, devices and sub-directories
// are skipped (and noted), nothing blocks, and each container's logs are
// capped (Config.MaxBytesPerContainer).
//
// Each application's record (its containers' log dirs and the status) is in
// the NM state store, so an aggregation the NodeManager died during starts
// again after the restart, and final statuses are re-reported to every RM
// the node registers with (after an RM failover) for Config.ReportRetain.
//
// Deleting local logs is not this package's business: the container manager
// asks Status and deletes them once SUCCEEDED (see its doc). The boundary to
// the store is the ObjectStore interface (objstore.Client; tests use a
// fake).
package logaggregation
