// Package statusupdater is the NodeManager's side of the RM protocol, YARN's
// NodeStatusUpdater: it registers the node (retrying with back-off across the
// RM list until one active RM accepts), then heartbeats at the interval the
// RM sets, carrying the node's health and its container statuses, and acts
// on each response: acknowledged completions, containers and applications to
// clean up, RESYNC (register again, reporting every container: also what
// happens after an RM failover or a NOT_REGISTERED answer) and SHUTDOWN.
//
// It talks to the RM only through api/rpc and to the node only through the
// Containers interface; it never imports the RM.
package statusupdater
