// Package scheduler is goyarn's capacity scheduler: a pure, deterministic data
// structure that holds queues, nodes, applications and their outstanding asks,
// and turns them into container placements.
//
// It owns nothing but that bookkeeping. There are no goroutines, locks,
// clocks, logging or network calls inside: one caller (the RM core, under its
// own lock) drives it with typed calls — AddNode, AddApp, SetAMDemand, SetAsk,
// Schedule, Release, Allocate — and reads it with Queues, Headroom, AppUsage
// and Cluster. It must not import any other goyarn package than api, and it
// knows nothing of container ids, tokens, state machines or the store: the
// caller maps placements to containers.
//
// # Semantics (YARN CapacityScheduler, simplified)
//
// Queues form a tree under "root". A child's capacity and maximum-capacity are
// percentages of its parent (siblings' capacities sum to 100; an unset, i.e.
// zero, maximum-capacity means 100). Absolute capacity and absolute maximum
// capacity are the products down the path, times the cluster resource (the
// sum of every known node's total, schedulable or not), rounded down per
// dimension. A queue may use more than its guaranteed share while resources
// are free (elasticity), but never more than its absolute maximum, and no
// allocation may push any ancestor past its own maximum. Queue names are
// unique in the whole tree, so an app may name its leaf queue by short name
// ("default") or full path ("root.default"); an empty name means "default".
// A STOPPED queue (or one under a STOPPED parent) accepts no new apps, but
// the apps already in it keep being served until they finish.
//
// Order. At every level the child with the lowest used/guaranteed memory
// ratio is offered the next container (queues with no guaranteed memory come
// after all others, by used memory); ties go to the lower name. Within a leaf
// apps are served FIFO: higher app priority first, then earlier submit time,
// then lower application id. An app gets every container it can before the
// next app in FIFO gets any. Within an app, asks are served by YARN request
// priority: the LOWER number first (YARN's ResourceRequest convention; it is
// the app priority that is "higher first").
//
// Application masters. An app with an outstanding AM demand (SetAMDemand) is
// pending; its executor asks are not served until its AM is placed. AMs are
// admitted in FIFO order: once a leaf's head pending AM cannot be placed —
// because of the AM limit, the queue maximum or no node having room — no
// later AM in that leaf is placed in the same Schedule call, while executor
// asks of apps whose AM already runs are still served. The AM limit is
// maximum-am-resource-percent (inherited down the tree, cluster default 0.1)
// of the leaf's guaranteed memory; a leaf with no AM running may always start
// one AM, whatever the limit, so a small queue never starves. Only memory
// counts toward the AM limit.
//
// Requests. Normalize rounds memory up to a multiple of the minimum
// allocation's memory and raises vcores to at least the minimum allocation's
// vcores (0 vcores means "the minimum"). Memory ≤ 0 or vcores < 0 is
// ErrInvalidResource; memory or vcores above the maximum allocation is
// ErrExceedsMaximum (checked before rounding; rounding is then capped at the
// maximum). SetAsk has YARN semantics: the count is the total now outstanding
// for (priority, normalized resource), replacing the previous count.
//
// Placement. A node is never over-committed and unschedulable nodes get
// nothing new. Nodes sit in a max segment tree keyed by slot (free memory and
// free vcores); the next container goes to the first node with room at or
// after a rotating cursor, which spreads an app's containers across nodes
// instead of packing the first one. Finding a node typically costs O(log
// nodes), and a size no node had room for is remembered for the rest of the
// Schedule call, so a nearly full cluster is not rescanned per container.
//
// Accounting. Release frees a finished container from its node (if the node is
// still known), its app and its queues. RemoveNode forgets a node: the caller
// then Releases each container that was on it. RemoveApp stops scheduling an
// app and drops its asks; usage of its still-running containers stays
// accounted to its queue until each is Released. Allocate accounts a container
// that already runs (work-preserving RM recovery): it must fit on its node but
// may push a queue over its maximum (the queue then gets nothing new until it
// drains). Users are recorded but there are no per-user limits, no
// reservations, no preemption and no locality.
package scheduler
