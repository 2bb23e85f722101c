// Package goyarn is the `goyarn` command tree: Hadoop's `yarn` client
// commands (application, applicationattempt, container, node, logs, rmadmin)
// with yarn's output formats, and `shell`, YARN's DistributedShell client,
// all speaking REST through package client. NewApp returns the
// urfave/cli/v2 app; cmd/goyarn only runs it.
//
// Command options take one dash, as yarn's do (-list, -appStates ALL), or
// two. Global options (--master, --user, --auth-token-file, --failover-wait)
// come before the command. Output goes to App.Writer and App.ErrWriter, so
// tests capture it; errors are printed by the app and returned with an exit
// status (ExitCode): yarn's -1 (255) for a failed command, and for `shell`
// DistributedShell's 1 (could not submit) and 2 (the application failed).
//
// Where goyarn differs from yarn on purpose: "not found" and other failures
// go to stderr with a non-zero status (yarn prints some on stdout and exits
// 0); sets such as -appTypes print sorted; `logs` reads from the NodeManagers
// (goyarn keeps logs there) and prints Hadoop 3's per-file blocks with
// LogAggregationType LOCAL and the node as host_port; `rmadmin
// -getAllServiceState` exits non-zero when an RM cannot be reached.
//
// The package reads flags and their environment variables (GOYARN_*) as the
// CLI's entry point; it must not import resourcemanager/, nodemanager/ or
// appmaster/.
package goyarn
