// Package engine is the Spark-style engine user programs import: one binary
// is both the driver and its executors.
//
// # Writing a program
//
// Register the functions the program uses by name, in main, before Run, the
// same way in every process (executors find functions by name; only data
// travels). Then hand Run the driver's code:
//
//	app := engine.New("wordcount")
//	words := engine.FlatMapFunc(app, "words", strings.Fields)
//	pair := engine.MapFunc(app, "pair", func(w string) engine.KV[string, int] { return engine.Pair(w, 1) })
//	sum := engine.ReduceFunc(app, "sum", func(a, b int) int { return a + b })
//	app.Run(func(ctx *engine.Context) error {
//		lines := engine.TextFile(ctx, ctx.Args()[0], 0)
//		counts := engine.ReduceByKey(engine.Map(engine.FlatMap(lines, words), pair), sum, 0)
//		return engine.SaveAsTextFile(counts, ctx.Args()[1])
//	})
//
// Records are typed (Dataset[T]) and travel encoded with encoding/gob:
// registering a function registers its input and output types; register
// the others (typically Parallelize's) with RegisterType. A user function
// that panics fails its task; the task is retried, on another executor when
// there is one, up to spark.task.maxFailures (4) attempts, and then the
// action returns an error (ErrTaskFailed) carrying the panic's message.
//
// Sources: Parallelize, Range (generated on the executors), TextFile (files,
// directories, globs). Narrow transformations, pipelined within a stage:
// Map, FlatMap, Filter, MapPartitions. Shuffles, on Dataset[KV[K, V]]:
// ReduceByKey (combining on the map side first) and GroupByKey (to
// Dataset[Group[K, V]]). Actions, each one job: Collect, Count, Reduce,
// SaveAsTextFile.
//
// # Running it
//
// Run reads the role from the environment (package protocol):
//   - driver: serves the protocol's endpoints on GOYARN_ENGINE_DRIVER_HOST,
//     writes protocol.DriverInfo, waits for the requested executors (or, after
//     spark.scheduler.maxRegisteredResourcesWaitingTime, the share
//     spark.scheduler.minRegisteredResourcesRatio of them), runs main, reports
//     SUCCEEDED or FAILED (the error, or "panic: …" with the first frames),
//     stops the executors, waits up to protocol.AckTimeout for the AM's ack and
//     exits 0 or 1. Each registration is logged as "registered executor" with
//     fields executor_id, address (host:port), cores and, when known,
//     container_id.
//   - executor: serves tasks and its shuffle files on
//     GOYARN_ENGINE_EXECUTOR_HOST (default NM_HOST), registers with the driver
//     (retrying for up to spark.network.timeout), heartbeats every
//     spark.executor.heartbeatInterval, and exits when told to stop or when
//     the driver has been unreachable for spark.network.timeout.
//   - unset (local mode): the driver with GOYARN_ENGINE_LOCAL_EXECUTORS (2)
//     executors in the same process, speaking the same HTTP, so a program runs
//     on a laptop as it does on the cluster.
//
// The driver pushes tasks to executors: one HTTP request per task that lasts
// as long as the task (cancelling it cancels the task), `cores` at a time per
// executor, from a queue it keeps. Map tasks write their shuffle output on
// the executor's disk (under LOCAL_DIRS); reducers fetch it from there. See
// internal/sched for the failure handling: lost executors' running tasks are
// re-queued and their map outputs recomputed for exactly the lost partitions.
//
// Logs go to stderr (zap); a program's standard output is its own.
//
// This package must not import resourcemanager/, nodemanager/ or client/; it
// speaks to the ApplicationMaster and gosubmit only through package protocol.
package engine
