// Package health checks a NodeManager's disks, as YARN's disk health checker
// does: every local and log dir must exist, be writable, and have at least
// the configured free space. The result is an rpc.NodeHealth for heartbeats
// and the NM REST nodeInfo.
//
// It only reads file system state and writes (then removes) one probe file
// per directory; it knows nothing of containers or the RM.
package health
