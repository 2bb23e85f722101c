// Package routing is a containers.Runtime made of several: each container
// goes to the runtime its launch environment names in
// YARN_CONTAINER_RUNTIME_TYPE ("docker", or "default" for the process
// runtime), or to the node's default runtime when it names none. A type the
// node does not run is refused (containers.ErrInvalidSpec) with a diagnostic
// that says so — YARN_CONTAINER_RUNTIME_TYPE=docker on a NodeManager started
// with --container-runtime process, for instance.
//
// Wait, Stop, Inspect and Remove go to the runtime that holds the container;
// Recover asks every runtime and merges what they hold, so a restarted
// NodeManager re-attaches to its Docker containers and its processes alike.
// Close closes them all.
//
// This package only dispatches: it starts nothing itself and knows nothing of
// the NM.
package routing
