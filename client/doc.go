// Package client is goyarn's REST client for the ResourceManager's public
// API (/ws/v1/cluster/...) and the NodeManagers' (/ws/v1/node/...), plus the
// few helpers a submitting program needs (Stage, ShellQuote, WaitApp).
//
// # High availability
//
// A Client knows every RM of a cluster and behaves as YARN's own clients do:
// it tries the RM that last answered as active first; on a connection failure
// or a 503 it moves to the next; a standby RM answers every path but
// /ws/v1/cluster/info with 307 and Location set to the same URI on the
// active, which the client follows itself (same method, same body, same
// headers) and then remembers the active. A standby that knows no active
// answers 503 ("Can not find any active RM. Will retry in next N seconds.");
// that too means "try the next one". When a whole pass over the RMs finds no
// active one, the client backs off and tries again until Options.FailoverWait
// has passed, then fails with ErrNoActiveRM. Options.OnWait is told each time
// it backs off, so a CLI can say that it is waiting.
//
// # Errors
//
// Every non-2xx answer becomes a *yarn.RemoteException whose Status is the
// HTTP status (decoded from the body when the daemon sent YARN's
// {"RemoteException":{…}}, made up from the status and body otherwise).
// Other failures wrap the sentinel errors of this package (ErrNoActiveRM,
// ErrBadResponse, ErrKillTimeout, …).
//
// # Boundaries
//
// The package speaks REST only: it imports api/ and api/yarn, never
// resourcemanager/, nodemanager/ or appmaster/. It reads the environment in
// exactly two documented places, because the `--master yarn` convention and
// the default user are defined that way: ParseMaster("yarn") reads
// GOYARN_RM_ADDRESSES, and New defaults Options.User to $USER.
// The `goyarn` command tree lives in the subpackage client/goyarn.
package client
