// Package fake is a containers.Runtime that runs no processes: each
// container follows a scripted Outcome (exit code, how long it runs or "until
// stopped", a start error, diagnostics), chosen by command string, by a func
// of the Spec, or by default. It is for NM and RM unit tests: deterministic
// with a ManualClock, fast, and observable (Started, Stopped).
//
// Stop ends a container at once with 143 (or the configured code), ignoring
// the grace period. Survive and Restart stand in for containers that outlive
// an NM restart: Recover reveals them.
//
// This package touches nothing outside memory except an os.Stat of the
// spec's work and log dirs, which must exist as for a real runtime.
package fake
