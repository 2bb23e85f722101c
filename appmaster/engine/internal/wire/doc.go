// Package wire holds the engine's internal messages between the driver and
// its executors: task descriptions and results, heartbeats, and the paths
// they travel on. The driver-facing part of the protocol that the AM and
// gosubmit also speak lives in appmaster/engine/protocol; this package is the
// engine's own business and may change with it.
//
// It is plain data plus small HTTP helpers: it must not import the engine or
// any other project package but appmaster/engine/protocol and api/.
package wire
