// Package cluster is the end-to-end test harness: it builds goyarn's
// binaries (or uses GOYARN_BIN_DIR), starts a real ResourceManager and real
// NodeManagers as processes on free loopback ports, each with its own
// directories under the test's temp dir, and stops every process it started
// by pid when the test ends — also on failure, including container processes
// left behind by an NM that was killed. On failure it prints the tail of
// each daemon's log.
package cluster
