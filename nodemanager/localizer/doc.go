// Package localizer copies a container's local resources into its work dir
// before the container starts, as YARN's resource localization does.
//
// Sources are file:// URLs (or absolute paths) under the configured roots
// (the staging directory), s3:// URLs under the roots that are s3://
// prefixes (the staging URL on the object store), or http(s):// URLs
// (public, read-only); remote ones are read through api/objstore.
//
// A FILE resource from a directory root is hard-linked (or, across file
// systems, copied, keeping its mode) to <work dir>/<key>; a directory is
// copied recursively; a remote FILE is downloaded there (its stored mode,
// else 0755). An ARCHIVE (.tar.gz, .tgz, .tar, .zip, .jar) is unpacked into
// the directory <work dir>/<key>. As YARN's FSDownload, a resource whose
// size or modification time differs from what the submission recorded
// fails with ErrChanged: it changed after submission. A resource is refused
// unless its source lies under a root (symlinks resolved) and its key is a
// plain file name. Archive entries cannot escape their directory: names are
// checked, writes go through an os.Root, and symlink entries must point
// inside the archive.
//
// The package touches only the work dir it is given and reads only under its
// roots; it knows nothing of containers, users or the RM.
package localizer
