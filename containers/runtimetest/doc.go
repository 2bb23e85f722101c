// Package runtimetest is the contract every containers.Runtime keeps, as a
// test suite: start and wait (exit codes 0 and 3), stop with a grace period
// (SIGTERM, then SIGKILL), stop of an exited container, duplicate and
// invalid starts refused, inspect, waits that honour their context, unknown
// ids, remove, concurrent use, logs and environment, and recovery after a
// restart.
//
// Each implementation calls Run from its own tests:
//
//	runtimetest.Run(t, func(t *testing.T) containers.Runtime { ... },
//		runtimetest.WithRestart(...))
//
// A runtime that runs no real commands (the fake) scripts the suite's Cmd*
// commands and passes SkipProcessChecks. This package imports only
// containers and api; it starts nothing itself but through the runtime.
package runtimetest
