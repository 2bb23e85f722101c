// Package objstore reads and writes blobs addressed by URL: the files a client
// stages for an application, the copies a NodeManager localizes from them,
// the aggregated container logs a NodeManager uploads and the
// ResourceManager serves.
//
// Three schemes, one Client:
//
//	file:///abs/path         a local or shared-mount directory tree
//	s3://bucket/key/prefix   any S3-compatible store (AWS, SeaweedFS, Ceph, Garage, MinIO)
//	http(s)://host/path      read-only: Stat is a HEAD, Get a GET
//
// URLs are checked before use (CheckURL): the scheme is known, the path is
// absolute, no segment is empty, "." or "..", an S3 bucket name is valid, and
// s3 and file URLs carry no query or fragment. Join builds URLs that keep the
// scheme.
//
// Promises every writable backend keeps, checked by one contract suite run
// against file:// and a real S3 server (SeaweedFS, see test/seaweed):
//
//   - Put is atomic for readers: they see the old object, or the whole new
//     one, never part. file:// writes a temp file in the target directory,
//     fsyncs it and renames it over the target; s3:// sends one PutObject of
//     known size (a multipart upload that does not complete is never
//     visible).
//   - A file's permission bits survive the round trip (Info.Mode): file://
//     keeps them on the file, s3:// in the user metadata x-amz-meta-goyarn-mode.
//   - List and DeleteAll treat the prefix URL as a directory: they see the
//     objects whose URL starts with prefix + "/", recursively; List sorts by
//     URL. An empty or missing prefix lists nothing and deletes nothing,
//     without error.
//   - A change of an object is visible in its Info: Size, ModTime and ETag
//     (for file://, a validator made of inode, size and mtime; a Put always
//     makes a new inode).
//
// Names must stay tree-shaped: S3 allows an object "a" beside "a/b", a
// directory tree does not, so on file:// the second Put fails. Info.Mode is
// 0 in s3:// List results (listings carry no user metadata); Stat has it.
//
// s3:// ModTime has one-second precision (HTTP dates); Info normalises it to
// UTC seconds in Stat, Get, List and Put alike so that Infos compare equal.
//
// Failures wrap one of the sentinel errors (ErrBadURL, ErrNotFound,
// ErrNoBucket, ErrAccessDenied, ErrUnreachable, ErrReadOnly,
// ErrOutsideRoots) in a message that names the URL and what to do. Secret
// keys never appear in an error or a log.
//
// The S3 credentials file (AWS shared-credentials INI format) is read once,
// by New, and must not be readable by group or others.
//
// This package imports no other goyarn package (it is part of api); callers
// pass a Config built from their own flags.
package objstore
