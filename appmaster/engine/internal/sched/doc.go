// Package sched is the driver's scheduler: it keeps the executors and their
// free slots, the queue of tasks waiting for one, the map output tracker
// (which executor holds which map output of which shuffle), and runs jobs —
// chains of stages split at shuffles — to completion.
//
// The model is Spark's. A job's stages run in order; a shuffle map stage
// runs only the partitions whose outputs are missing, so a stage already
// computed by an earlier job is skipped and a lost executor's outputs are
// recomputed for exactly the lost partitions. Tasks are pushed to
// executors, `cores` at a time each, round-robin as slots free up. A failed
// task is retried, preferably on an executor it has not failed on, up to
// MaxTaskFailures attempts; then the job fails with the task's error. An
// executor whose task call breaks, that the AM reports lost, or whose
// heartbeats stop is removed: its running tasks are re-queued and its map
// outputs forgotten. A reducer that cannot fetch a map output reports a
// fetch failure: the outputs of that executor are forgotten, the stage
// attempt is abandoned, the parent stage re-runs the missing partitions and
// the stage then runs again for the partitions still missing.
//
// The scheduler knows nothing of records or functions: a stage is a task
// builder. It talks to executors through the Sender interface; it must not
// import the engine, and imports only appmaster/engine/internal/wire, zap
// and the standard library.
package sched
