// Package containers defines Runtime, the boundary between a NodeManager and
// whatever actually runs a container's processes, and the types it speaks.
//
// Implementations live in subpackages: process (a process group per
// container, memory watched through /proc, pid files for recovery), fake
// (scripted outcomes for tests) and, later, docker. Every implementation runs
// the contract suite in containers/runtimetest.
//
// This package knows nothing of the RM, the NM's bookkeeping or the AM: it
// runs, watches, stops and re-finds containers.
package containers
