// Package spark is goyarn's Spark-style application master, run as
// `appmaster spark`: Spark's ApplicationMaster (cluster mode) and
// ExecutorLauncher (client mode) on the contract of
// appmaster/engine/protocol.
//
// Cluster mode: the AM starts the user's binary as the driver, a child
// process in its own work dir (`./<binary> <args…>`) with the AM's
// environment minus the AM token plus the protocol's driver environment. The
// driver's stdout is the AM's stdout (the container's stdout log holds the
// user's output); its stderr goes to the AM's stderr and its last KB are kept
// for diagnostics. The AM waits for DriverInfo (spark.yarn.am.waitTime,
// default 100 s) and then registers with the RM with the driver's host and
// port, as Spark registers once the SparkContext is up. A driver that exits
// or never serves within the bound fails the application (the AM registers
// only to unregister FAILED with the exit code and stderr tail).
//
// Client mode: the driver runs on the submitter's machine at --driver-url;
// the AM registers at once and only launches executors.
//
// In both modes the AM asks for N executor containers (priority 1) and
// launches `./<binary> 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr` in each with the
// protocol's executor environment (executor ids "1", "2", … never reused).
// It polls the driver's status every 500 ms. An executor container that ends
// while the driver runs is reported to the driver (PathExecutorLost) and
// replaced; replacements wait for a fresh status poll that shows the driver
// still running, so executors a finished driver lets go are not replaced.
// Failures count as Spark's YarnAllocator counts them — not preemption,
// kills by the RM or the AM, release, lost node or disks — except that exit
// 0 counts too (a goyarn executor exits on its own only when its driver is
// done, and losses after that are not counted); launch failures count. Past
// --max-executor-failures (default max(2×N, 3), as spark.yarn.max.executor.
// failures) the application fails with "Max number of executor failures (N)
// reached". When the driver's state is final the AM stops every executor,
// acks the driver, waits (bounded) for a cluster-mode driver to exit and
// unregisters with the driver's outcome. A client-mode driver that does not
// answer for --driver-timeout fails the application ("driver at host:port
// disappeared"); a cluster-mode driver process that exits without a final
// status fails it with its exit code and stderr tail.
//
// On AM_SHUTDOWN or when its context ends (SIGTERM from the NM) the AM stops
// the driver (SIGTERM, then SIGKILL) and the executors and exits without
// unregistering, so the RM may start a new attempt; a new attempt starts
// clean (the RM kills the old attempt's containers).
//
// It builds on package appmaster and appmaster/engine/protocol only: it must
// not import resourcemanager/, nodemanager/, client/ or appmaster/engine.
package spark
