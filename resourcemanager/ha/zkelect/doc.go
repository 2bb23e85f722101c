// Package zkelect is the ZooKeeper leader election of the ResourceManagers
// of one cluster (an ha.Elector).
//
// Recipe. Each elector keeps one ephemeral sequential candidate node under
// /goyarn/<cluster-id>/election, named <haId>-<elector id>-<sequence> and
// holding the ha.Candidate JSON {haId, webAddress, rpcAddress}. The lowest
// sequence leads. Every other candidate watches only its predecessor (no
// herd): when the predecessor's node vanishes — its RM closed its session,
// resigned, or died and its session expired — the next candidate lists the
// children once and, being lowest, is Elected within one round trip.
// Standbys also read (and watch) the lowest node to know which RM is active.
//
// Losing leadership is decided locally and at once, on ZooKeeper's own
// goroutine, never waiting for the campaign loop or the event consumer:
//
//   - session expired: Deposed immediately; the client opens a new session
//     and the elector campaigns again with a new node (behind the others);
//   - disconnected while leading: the session may survive (a ZooKeeper
//     server restart, a re-election in the ensemble), so the leader keeps
//     leading for DisconnectGrace; still disconnected then, it is Deposed.
//     If the session then survives, it is simply elected again.
//
// Why DisconnectGrace < SessionTimeout/3: the client notices silence after
// 2/3 of the session timeout (go-zookeeper's read timeout) and the servers
// expire the session after the full timeout, so a leader cut off from the
// ensemble is Deposed at 2/3·T + grace, before the servers can delete its
// node and elect another (T). The default, T/6, leaves T/6 of margin; the
// store's epoch fencing covers the rest (e.g. a paused process).
//
// A dead leader is replaced after the session timeout (the servers expire
// its session) plus one round trip; a leader that Resigns or Closes hands
// over within a round trip.
//
// This package runs the election only; what the RM does as leader (epoch,
// recovery, leader-only work) is the RM's business.
package zkelect
