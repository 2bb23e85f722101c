// Package store defines what the RM persists so that a restarted or newly
// active RM can carry on: applications (submission context, state, times,
// final status, diagnostics) and their attempts, and the RM epoch. Nodes and
// containers are not stored: NMs report them again when they re-register
// (YARN's work-preserving restart).
//
// Implementations: mem (no recovery), and with HA the ZooKeeper and
// filesystem stores. Every implementation passes the contract suite in
// store/storetest. Implementations must be safe for concurrent use, but the
// RM writes through one ordered queue (see resourcemanager/core), so writes to
// one application never race each other.
package store
