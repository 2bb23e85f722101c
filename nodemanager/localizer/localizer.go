package localizer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goyarn/goyarn/api"
)

// Errors a Localize failure wraps.
var (
	// ErrBadName: a resource key that is not a plain file name.
	ErrBadName = errors.New("invalid local resource name")
	// ErrOutsideRoots: a source that does not resolve under a localize root.
	ErrOutsideRoots = errors.New("local resource outside the localizable directories")
	// ErrBadSource: a source that cannot be read or is not a file:// URL.
	ErrBadSource = errors.New("unusable local resource source")
	// ErrUnsupported: a resource type or archive format the NM cannot lay out.
	ErrUnsupported = errors.New("unsupported local resource")
	// ErrBadArchive: an archive that cannot be unpacked safely.
	ErrBadArchive = errors.New("unusable archive")
)

// Localizer lays out local resources taken from under its roots.
type Localizer struct {
	roots []string // absolute, symlinks resolved
}

// New returns a localizer that accepts sources under roots. Roots that do
// not exist yet are kept as given (cleaned), so a staging dir created later
// still works; each is resolved again at use.
func New(roots []string) (*Localizer, error) {
	if len(roots) == 0 {
		return nil, fmt.Errorf("localizer: no localize roots")
	}
	l := &Localizer{}
	for _, r := range roots {
		if !filepath.IsAbs(r) {
			return nil, fmt.Errorf("localizer: root %q is not an absolute path", r)
		}
		l.roots = append(l.roots, filepath.Clean(r))
	}
	return l, nil
}

// Localize lays out every resource in dir (the container's work dir, which
// exists). It stops at the first failure; the error names the resource.
// Resources are handled in key order, so failures are deterministic.
func (l *Localizer) Localize(dir string, resources map[string]api.LocalResource) error {
	keys := make([]string, 0, len(resources))
	for k := range resources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := l.localizeOne(dir, k, resources[k]); err != nil {
			return fmt.Errorf("localizing %q: %w", k, err)
		}
	}
	return nil
}

func (l *Localizer) localizeOne(dir, name string, r api.LocalResource) error {
	if err := CheckName(name); err != nil {
		return err
	}
	src, err := l.Resolve(r.URL)
	if err != nil {
		return err
	}
	dst := filepath.Join(dir, name)
	switch r.Type {
	case api.ResourceFile, "":
		return l.copyTree(src, dst)
	case api.ResourceArchive:
		return unpack(src, dst)
	default:
		return fmt.Errorf("%w: type %q (FILE or ARCHIVE)", ErrUnsupported, r.Type)
	}
}

// CheckName reports whether name can be a resource key: one path element,
// not "." or "..", no separators or NUL.
func CheckName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return fmt.Errorf("%w: %q must be a plain file name (no '/', not '.' or '..')", ErrBadName, name)
	}
	return nil
}

// Resolve turns a resource URL (file:///abs or /abs) into an absolute path
// with symlinks resolved, and checks that it lies under a root.
func (l *Localizer) Resolve(raw string) (string, error) {
	p, err := sourcePath(raw)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadSource, err)
	}
	if !l.under(real) {
		return "", fmt.Errorf("%w: %s (resolves to %s) is not under %s", ErrOutsideRoots, p, real, strings.Join(l.roots, ", "))
	}
	return real, nil
}

func (l *Localizer) under(real string) bool {
	for _, root := range l.roots {
		r, err := filepath.EvalSymlinks(root)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(r, real); err == nil && filepath.IsLocal(rel) || real == r {
			return true
		}
	}
	return false
}

func sourcePath(raw string) (string, error) {
	if strings.HasPrefix(raw, "/") {
		return filepath.Clean(raw), nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") || !strings.HasPrefix(u.Path, "/") {
		return "", fmt.Errorf("%w: %q is neither an absolute path nor a file:///absolute/path URL", ErrBadSource, raw)
	}
	return filepath.Clean(u.Path), nil
}

// copyTree places src (a resolved file or directory) at dst: files are hard
// linked when possible, else copied with their mode; directories are walked,
// and symlinks inside them must resolve under a root too.
func (l *Localizer) copyTree(src, dst string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSource, err)
	}
	if fi.Mode().IsRegular() {
		return linkOrCopy(src, dst, fi.Mode().Perm())
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is neither a file nor a directory", ErrBadSource, src)
	}
	if err := os.Mkdir(dst, fi.Mode().Perm()|0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSource, err)
	}
	for _, e := range entries {
		s := filepath.Join(src, e.Name())
		if e.Type()&fs.ModeSymlink != 0 {
			real, err := filepath.EvalSymlinks(s)
			if err != nil {
				return fmt.Errorf("%w: %v", ErrBadSource, err)
			}
			if !l.under(real) {
				return fmt.Errorf("%w: %s links to %s", ErrOutsideRoots, s, real)
			}
			s = real
		}
		if err := l.copyTree(s, filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func linkOrCopy(src, dst string, perm fs.FileMode) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSource, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Chmod(perm); err != nil { // the umask may have cut bits
		out.Close()
		return err
	}
	return out.Close()
}
