// Package localizer copies a container's local resources into its work dir
// before the container starts, as YARN's resource localization does.
//
// A FILE resource is hard-linked (or, across file systems, copied, keeping its
// mode) to <work dir>/<key>; a directory is copied recursively. An ARCHIVE
// (.tar.gz, .tgz, .tar, .zip, .jar) is unpacked into the directory
// <work dir>/<key>. A resource is refused unless its source, after resolving
// symlinks, lies under one of the configured roots (the staging directory),
// and unless its key is a plain file name. Archive entries cannot escape their
// directory: names are checked, writes go through an os.Root, and symlink
// entries must point inside the archive.
//
// Sources are local paths or file:// URLs; there is no remote file system.
// The package touches only the work dir it is given and reads only under its
// roots; it knows nothing of containers, users or the RM.
package localizer
