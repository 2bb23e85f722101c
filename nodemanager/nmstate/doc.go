// Package nmstate persists what a NodeManager must remember across a
// restart: one small JSON record per container (id, user, resource, work and
// log dirs, state, exit status) and per finished application (when its logs
// expire). Each record is its own file, written atomically (temp file, fsync,
// rename), so a NodeManager killed at any moment leaves every record either
// old or new, never torn.
//
// It knows nothing of runtimes, the RM or HTTP; the container manager decides
// what to store and when.
package nmstate
