// Package appmaster is the library an application master is built on: the
// client side of the AM ⇄ RM protocol (AMRMClient: register, allocate,
// finish), a heartbeat loop that turns allocate calls into a stream of
// events (Heartbeater), and the client of the NodeManagers' container API
// (NMClient: start, stop, status).
//
// AMRMClient keeps YARN's AMRMClient semantics. The caller adds and removes
// container requests; the client keeps the outstanding total per (priority,
// capability) and sends only the totals that changed since the last
// allocate. Unlike YARN, a granted container is matched to its request and
// the outstanding total decremented automatically (the RM does the same on
// its side), so callers never call RemoveRequest for containers they got.
// The client keeps the responseId of the last response and sends it back, so
// a lost response is answered again by the RM and no container is lost; on
// AM_RESYNC (or NOT_REGISTERED after an RM failover) it re-registers and
// re-sends every outstanding ask and pending release; on AM_SHUTDOWN or
// ATTEMPT_NOT_FOUND it reports ErrShutdown: the AM must exit.
//
// Subpackages: dshell is the distributed-shell AM (YARN's DistributedShell);
// amtest holds a fake RM and fake NMs (httptest servers speaking api/rpc) for
// tests of AMs built on this package.
//
// This package speaks only api/rpc: it must not import resourcemanager/ or
// nodemanager/. It reads no flags and no environment of its own (see
// ConfigFromEnv, which takes the lookup function).
package appmaster
