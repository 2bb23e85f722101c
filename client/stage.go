package client

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/api/yarn"
)

// Stager uploads an application's files to the cluster's staging place, a
// URL: file:///dir (one machine or a shared mount) or s3://bucket/prefix
// (an S3-compatible object store), as spark-submit uploads to HDFS or to
// spark.kubernetes.file.upload.path. Files of application A land under
// <staging>/<A>/.
type Stager struct {
	base  string // URL, no trailing '/'
	store *objstore.Client
}

// NewStager returns a stager for staging (a URL or an absolute path) that
// reaches the object store through store.
func NewStager(staging string, store *objstore.Client) (*Stager, error) {
	base := strings.TrimRight(strings.TrimSpace(staging), "/")
	if strings.HasPrefix(base, "/") {
		base = "file://" + base
	}
	if base == "" || base == "file://" {
		return nil, fmt.Errorf("%w: no staging directory", ErrBadStaging)
	}
	if err := objstore.CheckURL(base); err != nil {
		return nil, fmt.Errorf("%w: staging %q: %v", ErrBadStaging, staging, err)
	}
	if strings.HasPrefix(base, "http://") || strings.HasPrefix(base, "https://") {
		return nil, fmt.Errorf("%w: staging %q: http(s) is read-only; use file:// or s3://", ErrBadStaging, staging)
	}
	return &Stager{base: base, store: store}, nil
}

// Dir is the URL of app's staging directory.
func (s *Stager) Dir(app api.ApplicationID) string { return objstore.Join(s.base, app.String()) }

// Stage uploads the file srcPath to <staging>/<app>/<name> and returns it
// as a FILE local resource of the application (URL, size, and the stored
// object's modification time in ms, which the NodeManagers check, as YARN
// does), ready for a launch context's LocalResources under the key name.
// An executable source (any x bit) is staged 0755, any other keeps its
// permission bits. A reader never sees half an object: files are written
// to a temporary name and renamed, S3 objects appear whole.
func (s *Stager) Stage(ctx context.Context, app api.ApplicationID, name, srcPath string) (api.LocalResource, error) {
	fail := func(format string, args ...any) (api.LocalResource, error) {
		return api.LocalResource{}, fmt.Errorf("%w %s: %s", ErrBadStaging, srcPath, fmt.Sprintf(format, args...))
	}
	if app.IsZero() {
		return fail("no application id")
	}
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return fail("resource name %q must be a plain file name", name)
	}
	src, err := os.Open(srcPath)
	if err != nil {
		return fail("%v", err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return fail("%v", err)
	}
	if !fi.Mode().IsRegular() {
		return fail("not a regular file")
	}
	mode := fi.Mode().Perm()
	if mode&0o111 != 0 {
		mode = 0o755
	}
	url := objstore.Join(s.Dir(app), name)
	if _, err := s.store.Put(ctx, url, src, fi.Size(), mode); err != nil {
		return fail("%v", err)
	}
	// The stored object's own size and time: what localization compares.
	info, err := s.store.Stat(ctx, url)
	if err != nil {
		return fail("%v", err)
	}
	return api.LocalResource{
		URL:        url,
		Type:       api.ResourceFile,
		Visibility: yarn.VisibilityApplication,
		Size:       info.Size,
		Timestamp:  info.ModTime.UnixMilli(),
	}, nil
}

// Delete removes app's staging directory; nothing there is not an error.
func (s *Stager) Delete(ctx context.Context, app api.ApplicationID) error {
	return s.store.DeleteAll(ctx, s.Dir(app))
}

// ShellQuote quotes s as one word for a POSIX shell (/bin/sh): it is
// wrapped in single quotes, and each single quote in s becomes the four
// characters quote, backslash, quote, quote (close, escaped quote, reopen).
// Nothing inside single quotes is special to the shell, so the word reaches
// the program exactly as s.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
