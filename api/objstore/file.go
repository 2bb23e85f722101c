package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// tmpPrefix starts the names of files a Put is writing; List skips them.
const tmpPrefix = ".goyarn-tmp-"

// fileBackend serves file:// URLs from the local filesystem.
type fileBackend struct {
	roots []string // resolved absolute directories; empty: anywhere
}

func newFileBackend(roots []string) (*fileBackend, error) {
	b := &fileBackend{}
	for _, r := range roots {
		resolved, err := filepath.EvalSymlinks(filepath.Clean(r))
		if errors.Is(err, fs.ErrNotExist) {
			resolved, err = filepath.Clean(r), nil
		}
		if err != nil {
			return nil, fmt.Errorf("objstore file root %s: %w", r, err)
		}
		b.roots = append(b.roots, resolved)
	}
	return b, nil
}

// within reports whether the resolved path p is one of the roots or under
// one.
func (b *fileBackend) within(p string) bool {
	if len(b.roots) == 0 {
		return true
	}
	for _, r := range b.roots {
		if p == r || strings.HasPrefix(p, strings.TrimSuffix(r, "/")+"/") {
			return true
		}
	}
	return false
}

func (b *fileBackend) outside(op, raw, resolved string) error {
	return fmt.Errorf("%s %s: %w: it resolves to %s, which is not under %s; use a path there or add a root",
		op, raw, ErrOutsideRoots, resolved, strings.Join(b.roots, ", "))
}

// resolve evaluates every symlink of p's longest existing ancestor and
// appends the rest: the real path p has or will have.
func resolve(p string) (string, error) {
	rest := ""
	cur := p
	for {
		r, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// existing resolves a path that must exist and checks the roots.
func (b *fileBackend) existing(op string, loc location) (string, error) {
	real, err := filepath.EvalSymlinks(loc.path)
	if err != nil {
		return "", fileErr(op, loc.raw, err)
	}
	if !b.within(real) {
		return "", b.outside(op, loc.raw, real)
	}
	return real, nil
}

func fileErr(op, raw string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("%s %s: %w", op, raw, ErrNotFound)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s %s: %w: %v; check the file's owner and mode", op, raw, ErrAccessDenied, err)
	}
	return fmt.Errorf("%s %s: %w", op, raw, err)
}

func fileInfo(url string, fi fs.FileInfo) Info {
	info := Info{URL: url, Size: fi.Size(), ModTime: fi.ModTime(), Mode: fi.Mode().Perm()}
	var ino uint64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = st.Ino
	}
	info.ETag = fmt.Sprintf("%x-%x-%x", ino, fi.Size(), fi.ModTime().UnixNano())
	return info
}

func (b *fileBackend) put(ctx context.Context, loc location, r io.Reader, size int64, mode fs.FileMode) (Info, error) {
	const op = "put"
	// The last element is not resolved: rename replaces a symlink there
	// rather than writing through it.
	dir, err := resolve(filepath.Dir(loc.path))
	if err != nil {
		return Info{}, fileErr(op, loc.raw, err)
	}
	if !b.within(dir) {
		return Info{}, b.outside(op, loc.raw, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return Info{}, fileErr(op, loc.raw, err)
		}
		return Info{}, fmt.Errorf("%s %s: %w", op, loc.raw, err)
	}
	target := filepath.Join(dir, filepath.Base(loc.path))
	if fi, err := os.Lstat(target); err == nil && fi.IsDir() {
		return Info{}, fmt.Errorf("%s %s: a directory is in the way", op, loc.raw)
	}
	tmp, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return Info{}, fileErr(op, loc.raw, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	src := io.Reader(ctxReader{ctx, r})
	var n int64
	if size >= 0 {
		n, err = io.CopyN(tmp, src, size)
	} else {
		n, err = io.Copy(tmp, src)
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("short input: %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
		}
		return Info{}, fmt.Errorf("%s %s: %w", op, loc.raw, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return Info{}, fileErr(op, loc.raw, err)
	}
	if err := tmp.Sync(); err != nil {
		return Info{}, fileErr(op, loc.raw, err)
	}
	fi, err := tmp.Stat()
	if err != nil {
		return Info{}, fileErr(op, loc.raw, err)
	}
	if err := tmp.Close(); err != nil {
		return Info{}, fileErr(op, loc.raw, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return Info{}, fileErr(op, loc.raw, err)
	}
	done = true
	syncDir(dir)
	return fileInfo(loc.raw, fi), nil
}

// syncDir makes a rename in dir durable; failure only costs durability.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// ctxReader stops a copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (b *fileBackend) stat(_ context.Context, loc location) (Info, error) {
	real, err := b.existing("stat", loc)
	if err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return Info{}, fileErr("stat", loc.raw, err)
	}
	if !fi.Mode().IsRegular() {
		return Info{}, fmt.Errorf("stat %s: %w: not a regular file", loc.raw, ErrNotFound)
	}
	return fileInfo(loc.raw, fi), nil
}

func (b *fileBackend) get(_ context.Context, loc location) (io.ReadCloser, Info, error) {
	real, err := b.existing("get", loc)
	if err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, Info{}, fileErr("get", loc.raw, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, fileErr("get", loc.raw, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, Info{}, fmt.Errorf("get %s: %w: not a regular file", loc.raw, ErrNotFound)
	}
	return f, fileInfo(loc.raw, fi), nil
}

// list walks the directory the prefix names without following symlinks
// below it and reports regular files only.
func (b *fileBackend) list(ctx context.Context, loc location) ([]Info, error) {
	real, err := b.existing("list", loc)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Info
	err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == real && errors.Is(err, syscall.ENOTDIR) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), tmpPrefix) || p == real {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while walking
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(real, p)
		if err != nil {
			return err
		}
		out = append(out, fileInfo(fileURL(filepath.Join(loc.path, rel)), fi))
		return nil
	})
	if err != nil {
		return nil, fileErr("list", loc.raw, err)
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.URL, b.URL) })
	return out, nil
}

// deleteAll removes the directory the prefix names. A regular file at the
// prefix itself is not under it and stays.
func (b *fileBackend) deleteAll(_ context.Context, loc location) error {
	// The prefix's own last element is not resolved: a symlink there is
	// left alone, never followed.
	dir, err := resolve(filepath.Dir(loc.path))
	if err != nil {
		return fileErr("delete", loc.raw, err)
	}
	target := filepath.Join(dir, filepath.Base(loc.path))
	if !b.within(target) {
		return b.outside("delete", loc.raw, target)
	}
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	if err != nil {
		return fileErr("delete", loc.raw, err)
	}
	if !fi.IsDir() {
		return nil
	}
	if err := os.RemoveAll(target); err != nil {
		return fileErr("delete", loc.raw, err)
	}
	return nil
}
