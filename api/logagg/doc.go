// Package logagg is the wire format of aggregated container logs, shared by
// the NodeManagers that write them, the ResourceManager's log page and
// `goyarn logs` that read them.
//
// Layout (Hadoop's, under yarn.nodemanager.remote-app-log-dir):
//
//	<remote-app-log-dir>/<user>/logs/<application id>/<node id, ':' → '_'>
//
// for example s3://goyarn/logs/alice/logs/application_1_0001/10.0.0.1_8040.
// Each NodeManager writes one object per application: an uncompressed tar
// (archive/tar) whose entries are regular files named
// "<container id>/<log file name>", keeping each file's permission bits and
// modification time. A container whose logs were cut at the NodeManager's
// per-container cap, or some of whose entries were skipped (symlinks, FIFOs,
// devices, directories), gets one more entry, "<container id>/" +
// TruncatedMarker, that says what was left out.
//
// A remote-app-log-dir given as a plain absolute path means file://path.
//
// This package imports only api and api/objstore.
package logagg
