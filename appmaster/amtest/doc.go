// Package amtest holds test doubles for application masters: FakeRM, an
// httptest server speaking the RM's AM endpoints of api/rpc (register,
// allocate, finish) with YARN's responseId and ask-total semantics, and
// FakeNM, an httptest server speaking the NM's container endpoints that
// verifies container tokens and "runs" containers with scripted exit codes.
// A FakeNM reports a container's exit to its FakeRM, which hands the status
// to the AM in the next allocate answer, as the real pair does.
//
// Both bind 127.0.0.1 on a free port and are closed by the test's cleanup.
// Knobs simulate what an AM must survive: a lost allocate response, an RM
// that is standby, restarts (failover) or orders a resync or a shutdown.
//
// It imports only api/ (never resourcemanager/ or nodemanager/), so it
// tests the AM side of the protocol on its own terms.
package amtest
