// Package containers defines Runtime, the boundary between a NodeManager and
// whatever actually runs a container's processes, and the types it speaks.
//
// Implementations live in subpackages: process (a process group per
// container, memory watched through /proc, pid files for recovery), docker
// (a Docker container per container, found again by label; its image in
// docker/image), fake (scripted outcomes for tests), and routing, which sends
// each container to one of several by YARN_CONTAINER_RUNTIME_TYPE. Every
// implementation runs the contract suite in containers/runtimetest.
//
// This package knows nothing of the RM, the NM's bookkeeping or the AM: it
// runs, watches, stops and re-finds containers.
package containers
