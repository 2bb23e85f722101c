// Package containermanager is the NodeManager's bookkeeping of containers and
// applications, YARN's ContainerManagerImpl in small.
//
// It verifies container tokens (signature, this node, expiry, no replay),
// creates work and log dirs, localizes resources, builds the environment and
// command line, starts containers through a containers.Runtime and waits for
// their outcome. It stops containers at an AM's request (exit status -105),
// the RM's (-106) or when their application finishes (-107), removes an
// application's work dirs once the RM says it finished, and deletes its logs
// after the retention period. With a LogAggregator (remote-app-log-dir set),
// a finished application whose containers have all exited is handed to it,
// and its local logs are deleted AggregatedLogRetain (default 10 min) after
// the aggregation SUCCEEDED, LogRetain after the application finished if it
// FAILED, and never while it is pending or running. It reports container statuses for the status
// updater (running ones, and completed ones until the RM acknowledges them)
// and snapshots for the NM REST API.
//
// Every container has a small record in the nmstate store, so a restarted
// NodeManager re-attaches to containers that kept running (Recover) and
// reports those that exited meanwhile.
//
// Layout on disk:
//
//	<local-dir>/usercache/<user>/appcache/<appId>/<containerId>   work dir
//	<log-dir>/<appId>/<containerId>/{stdout,stderr,…}            log dir
//
// It must not talk to the RM or serve HTTP: the status updater and the RPC
// and web packages call it.
package containermanager
