// Package stagingclean deletes a finished application's staging directory
// (<staging>/<application id>/ on the object store or a file:// tree), as
// Spark's ApplicationMaster deletes .sparkStaging/<app> at the end; here the
// RM does it, so it happens also when the client went away (gosubmit
// --no-wait, goyarn shell killed) and no container needs the store's keys.
//
// The core tells the Cleaner of every application that ended (under its
// lock: Finished never blocks; past the queue's bound an app is skipped and
// logged). One worker deletes in order, retrying a failed delete a few
// times. An application whose AM environment sets
// GOYARN_PRESERVE_STAGING_FILES=true (gosubmit with
// spark.yarn.preserve.staging.files) keeps its files. Only the directory
// derived from the cluster's own staging URL and the application id is ever
// deleted: nothing a submission names is trusted as a path.
package stagingclean
