// Command appmaster is goyarn's generic application master binary. The NM
// starts it in an application's AM container; each subcommand is one kind of
// AM: `shell` is the distributed shell (YARN's DistributedShell), `spark`
// the Spark-style AM gosubmit submits (cluster mode: runs the driver; client
// mode: launches executors for a remote driver). It reads its attempt, AM
// token and the RM addresses from the container environment (CONTAINER_ID,
// GOYARN_AM_TOKEN, GOYARN_RM_RPC_ADDRESSES), logs to stderr, and exits 0
// only when it unregistered SUCCEEDED (1: the application did not succeed;
// 2: bad flags or environment).
//
// Subcommands live one per file (shell.go, spark.go) and share newLogger and
// newClients; a subcommand builds on appmaster/ and its subpackages and
// never imports resourcemanager/ or nodemanager/.
package main
