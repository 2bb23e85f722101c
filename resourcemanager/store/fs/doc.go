// Package fs is the filesystem state store: one ResourceManager without
// ZooKeeper keeps its applications, attempts and epoch in a local directory
// (`--recovery filesystem --state-dir DIR`, like Spark's FILESYSTEM recovery
// mode), so a restarted RM carries on where the last one stopped.
//
// Layout under DIR:
//
//	LOCK                                    flock'ed while a store has DIR open
//	epoch                                   the epoch, decimal
//	apps/<appId>/app.json                   the application record
//	apps/<appId>/<attemptId>.json           one file per attempt
//
// Every write is atomic: the record goes to a temp file in the target's
// directory, is fsynced, renamed over the target, and the directory is
// fsynced. A kill -9 at any moment therefore leaves each file either old or
// new, never torn; Load ignores and removes stray temp files, application
// directories without a complete app.json (a put that never returned), and
// half-removed applications. An exclusive flock on DIR/LOCK keeps a second
// RM (or a second store in one process) out of a directory in use.
//
// There is no fencing here: the lock is the only guard, and it only works
// between processes on one machine. For several RMs use the ZooKeeper store.
//
// This package owns DIR's contents and nothing else; it does not know about
// the RM's core, webapp or server.
package fs
