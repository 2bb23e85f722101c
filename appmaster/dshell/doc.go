// Package dshell is goyarn's distributed shell: YARN's DistributedShell
// application master, run as `appmaster shell`. It registers with the RM,
// asks for N containers, runs one shell command in each as it arrives
// (`/bin/sh -c '<cmd> <args>' 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`),
// and unregisters SUCCEEDED when all N exited 0, else FAILED with
// diagnostics naming every failed container and its exit code.
//
// As DistributedShell without retries it replaces nothing: a container that
// fails (or cannot be started) fails the application, and the AM still waits
// for the others. Containers granted beyond N are released at once. On
// AM_SHUTDOWN it exits without unregistering; when its context ends (the NM
// sends SIGTERM) it unregisters KILLED within a bounded time. The RM stops
// whatever still runs once the attempt is unregistered.
//
// It builds on package appmaster only: it must not import resourcemanager/
// or nodemanager/.
package dshell
