// Package gosubmit is the `gosubmit` command: spark-submit for goyarn. It
// runs a program written against the engine (appmaster/engine) on the
// cluster, with spark-submit's flags, defaults and console output, speaking
// REST through package client. New returns the urfave/cli/v2 app;
// cmd/gosubmit only runs it.
//
//	gosubmit [options] <application binary> [application arguments]
//
// Options end at the binary; everything after it goes to the application.
//
// # What it does
//
//  1. Validates everything before contacting anything (flags, sizes in
//     Spark's forms — 512m, 2g, a bare number is MB —, the binary, --files,
//     --conf values of the keys it knows). Then asks the RM: the queue must
//     exist (GET /scheduler) and the containers must fit the maximum
//     allocation (new-application). Bad input: one line "Error: …" on
//     stderr, exit 2, nothing submitted.
//  2. Stages the appmaster, the binary and --files under
//     <staging-dir>/<application id>/ (client.Stage).
//  3. Cluster mode: submits an AM (application type SPARK, the driver's
//     memory and cores) whose command is `./appmaster spark --deploy-mode
//     cluster …` (see spec.amCommand for the exact form); the AM runs the
//     driver. gosubmit reports until the application ends (unless
//     --no-wait), says where the driver's output is and, with --follow,
//     streams the AM container's stdout from its NodeManager.
//  4. Client mode: starts the binary here as the driver (a child process
//     sharing gosubmit's stdout and stderr, with the protocol's driver
//     environment), waits for its DriverInfo, then submits an AM
//     (`--deploy-mode client --driver-url …`, spark.yarn.am.memory/cores)
//     that only launches executors. It reports until the application runs
//     and then watches both until they end.
//
// Reports are spark-submit's: "Application report for … (state: …)" on
// every state change (with the detail block) and every
// spark.yarn.report.loggingFrequency reports, as log4j-style lines
// ("yy/MM/dd HH:mm:ss INFO Client: …") on stderr. On a terminal, cluster
// mode without --follow replaces the periodic lines by one live progress
// line; client mode never draws it, since the driver writes to the same
// console.
//
// Exit status: 0 only when the application finished SUCCEEDED (and, in
// client mode, the driver exited 0); a client-mode driver's non-zero
// status is passed on; 1 for an application that failed or was killed, or
// a cluster that could not be reached; 2 for bad input; 130 when
// interrupted. Ctrl-C in client mode kills the application and stops the
// driver; in cluster mode it only stops waiting.
//
// Choices where spark-submit has no equivalent or goyarn differs: no
// memory overhead is added to containers (a Go binary has no JVM off-heap);
// --total-executor-cores (spark.cores.max) sets the executor count to
// total / executor-cores when --num-executors is absent; --no-wait and
// --follow are errors in client mode; the staging directory is deleted once
// gosubmit has seen the application end (spark.yarn.preserve.staging.files
// keeps it); the client-mode driver binds spark.driver.host (default: the
// address of this machine that routes to the first ResourceManager, so
// executors on other hosts reach it; 127.0.0.1 for a loopback RM).
//
// The package reads flags and their environment variables (GOYARN_*) as the
// command's entry point; it must not import resourcemanager/, nodemanager/
// or appmaster/ (except appmaster/engine/protocol, the contract with the
// engine and the AM).
package gosubmit
