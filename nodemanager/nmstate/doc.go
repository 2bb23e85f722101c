// Package nmstate persists what a NodeManager must remember across a
// restart: one small JSON record per container (id, user, resource, work and
// log dirs, state, exit status), per finished application (when its logs
// expire) and per application whose logs are aggregated (its containers'
// log dirs and the upload's status). Each record is its own file, written atomically (temp file, fsync,
// rename), so a NodeManager killed at any moment leaves every record either
// old or new, never torn.
//
// It knows nothing of runtimes, the RM or HTTP; the container manager decides
// what to store and when.
package nmstate
