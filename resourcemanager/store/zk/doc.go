// Package zk is the ZooKeeper state store: the RMs of one cluster keep their
// applications, attempts and epoch under /goyarn/<cluster-id>/rmstore, so
// whichever RM becomes active recovers what the last one wrote.
//
// Layout (every node persistent; zkconn.PrivateACL: only the cluster's RMs —
// digest credentials derived from the cluster secret — read or write, since
// submission contexts may carry an application's secrets):
//
//	/goyarn/<cluster-id>/rmstore/epoch                         the epoch, decimal
//	/goyarn/<cluster-id>/rmstore/apps/<appId>                  AppRecord JSON
//	/goyarn/<cluster-id>/rmstore/apps/<appId>/<attemptId>      AttemptRecord JSON
//
// Fencing. A store remembers the epoch node's version: as read when it
// opened, and as left by its own BumpEpoch. Every write is one ZooKeeper
// multi whose first op checks that version, so once another RM has bumped
// the epoch (which an RM does when it becomes active) this store's writes
// fail with store.ErrFenced and change nothing. The RM must call BumpEpoch
// when it becomes active, before its first write.
//
// Size. ZooKeeper refuses nodes over 1 MB (jute.maxbuffer) and every byte
// is replicated to every server and held in their memory, so a record is
// refused with store.ErrTooLarge when its JSON exceeds Config.MaxRecordBytes
// (256 KiB by default). An application's record is mostly its submission
// context (commands, environment, local resources); a submission that does
// not fit is refused by the RM with 400 Bad Request before it is accepted,
// and nothing is stored.
//
// Transient ZooKeeper errors (connection loss, no server reachable, session
// expiry — the store has no ephemeral nodes, so a new session loses nothing)
// are retried with back-off until the call's context ends. go-zookeeper's
// logging goes to zap.
//
// This package owns the rmstore subtree only; the election lives in
// resourcemanager/ha/zkelect.
package zk
