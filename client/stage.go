package client

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// Stage copies the file srcPath to <stagingDir>/<app>/<name> and returns it
// as a FILE local resource of the application (file:// URL, size, and the
// staged copy's modification time in ms), ready for a launch context's
// LocalResources under the key name. An executable source (any x bit) is
// staged 0755, any other keeps its permission bits. The copy is written to
// a temporary file and renamed, so a reader never sees half of it.
func Stage(stagingDir string, app api.ApplicationID, name, srcPath string) (api.LocalResource, error) {
	fail := func(format string, args ...any) (api.LocalResource, error) {
		return api.LocalResource{}, fmt.Errorf("%w %s: %s", ErrBadStaging, srcPath, fmt.Sprintf(format, args...))
	}
	if app.IsZero() {
		return fail("no application id")
	}
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return fail("resource name %q must be a plain file name", name)
	}
	if stagingDir == "" {
		return fail("no staging directory")
	}
	root, err := filepath.Abs(stagingDir)
	if err != nil {
		return fail("%v", err)
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
	dir := filepath.Join(root, app.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail("%v", err)
	}
	dst := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, "."+name+".staging-*")
	if err != nil {
		return fail("%v", err)
	}
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fail("%v", err)
	}
	st, err := os.Stat(dst)
	if err != nil {
		return fail("%v", err)
	}
	return api.LocalResource{
		URL:        (&url.URL{Scheme: "file", Path: dst}).String(),
		Type:       api.ResourceFile,
		Visibility: yarn.VisibilityApplication,
		Size:       st.Size(),
		Timestamp:  st.ModTime().UnixMilli(),
	}, nil
}

// ShellQuote quotes s as one word for a POSIX shell (/bin/sh): it is
// wrapped in single quotes, and each single quote in s becomes the four
// characters quote, backslash, quote, quote (close, escaped quote, reopen).
// Nothing inside single quotes is special to the shell, so the word reaches
// the program exactly as s.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
