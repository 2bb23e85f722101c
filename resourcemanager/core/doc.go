// Package core is the single owner of the ResourceManager's state:
// applications, attempts, containers and nodes, and the scheduler that places
// containers among them. Every event — a submission, a node heartbeat, an AM
// allocate call, a tick of the clock — is a method that takes the one lock,
// applies the transition from the lifecycle tables, and returns. REST handlers
// read consistent snapshots (the View types). Work that must not hold the
// lock is handed off without blocking: store writes go through an ordered
// journal (callers that need durability wait for it after unlocking) and AM
// launches go to a Launcher.
//
// The core knows nothing of HTTP, ZooKeeper or processes: webapp decodes and
// encodes, store persists, amlauncher talks to NodeManagers. Time comes from
// an injected clock, and liveness is driven by Tick(now), so tests replay
// hours of heartbeats in microseconds.
package core
