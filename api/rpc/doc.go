// Package rpc defines goyarn's internal RPC: HTTP POSTs of JSON bodies on
// versioned paths, between NodeManagers and the RM (register, heartbeat),
// application masters and the RM (register, allocate, finish), and AMs or the
// RM and NodeManagers (start, stop, status of containers).
//
// Errors travel as {"error":{"code":…,"message":…}} with a matching HTTP
// status; Client turns them back into *Error values. Client also holds the
// list of RM addresses and moves to the next one when an RM is down or answers
// NOT_ACTIVE, with bounded back-off, so callers survive RM failover.
package rpc
