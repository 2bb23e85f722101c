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
// Besides the interface it holds what the runtimes share because it is the
// same logic in each: Spec.Validate (every runtime refuses the same specs),
// Table (the containers a runtime holds, the ids whose Start is under way,
// and Close) and StderrTail (the end of stderr in a failure's diagnostics).
//
// This package knows nothing of the RM, the NM's bookkeeping or the AM: it
// runs, watches, stops and re-finds containers.
package containers
