package localizer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
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
	// ErrChanged: a resource whose size or modification time is not what
	// the submission recorded (it changed after submission).
	ErrChanged = errors.New("resource changed on the source file system")
)

// Localizer lays out local resources taken from under its roots (file://)
// or from the object store (s3://, http(s)://).
type Localizer struct {
	roots  []string // absolute, symlinks resolved
	remote []string // s3:// prefixes, each ending in "/"
	store  *objstore.Client
}

// New returns a localizer that accepts file:// sources under roots and
// remote sources through store (nil: file:// only): s3:// sources under the
// roots that are s3:// URLs (the staging URL: an application cannot have the
// NodeManager read what the cluster's keys reach elsewhere), http(s)://
// sources anywhere (public, read-only). Directory roots that do not exist
// yet are kept as given (cleaned), so a staging dir created later still
// works; each is resolved again at use.
func New(roots []string, store *objstore.Client) (*Localizer, error) {
	if len(roots) == 0 && store == nil {
		return nil, fmt.Errorf("localizer: no localize roots and no object store")
	}
	l := &Localizer{store: store}
	for _, r := range roots {
		if strings.HasPrefix(r, "s3://") {
			l.remote = append(l.remote, strings.TrimSuffix(r, "/")+"/")
			continue
		}
		if p, ok := strings.CutPrefix(r, "file://"); ok {
			r = p
		}
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
func (l *Localizer) Localize(ctx context.Context, dir string, resources map[string]api.LocalResource) error {
	keys := make([]string, 0, len(resources))
	for k := range resources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := l.localizeOne(ctx, dir, k, resources[k]); err != nil {
			return fmt.Errorf("localizing %q: %w", k, err)
		}
	}
	return nil
}

func (l *Localizer) localizeOne(ctx context.Context, dir, name string, r api.LocalResource) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if r.Type != api.ResourceFile && r.Type != "" && r.Type != api.ResourceArchive {
		return fmt.Errorf("%w: type %q (FILE or ARCHIVE)", ErrUnsupported, r.Type)
	}
	switch scheme := urlScheme(r.URL); scheme {
	case "", "file":
	case "s3", "http", "https":
		return l.fetch(ctx, dir, name, r)
	default:
		return fmt.Errorf("%w: %q: the scheme %s is not file, s3, http or https", ErrBadSource, r.URL, scheme)
	}
	src, err := l.Resolve(r.URL)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(src); err == nil && fi.Mode().IsRegular() {
		if err := checkUnchanged(r, fi.Size(), fi.ModTime()); err != nil {
			return err
		}
	}
	dst := filepath.Join(dir, name)
	if r.Type == api.ResourceArchive {
		return unpack(src, dst)
	}
	return l.copyTree(src, dst)
}

// urlScheme is raw's scheme, lower-cased as URL schemes compare ("" for a
// path).
func urlScheme(raw string) string {
	if strings.HasPrefix(raw, "/") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	return strings.ToLower(u.Scheme)
}

// checkUnchanged compares what the submission recorded (zero: not
// recorded) with the source's size and modification time, as YARN's
// FSDownload does. Times compare at the precision the source keeps (S3
// keeps seconds).
func checkUnchanged(r api.LocalResource, size int64, mod time.Time) error {
	if r.Size > 0 && size >= 0 && size != r.Size {
		return fmt.Errorf("%w: %s has %d bytes, %d when submitted", ErrChanged, r.URL, size, r.Size)
	}
	if r.Timestamp > 0 && !mod.IsZero() && mod.UnixMilli() != r.Timestamp {
		return fmt.Errorf("%w: %s was modified at %s, %s when submitted", ErrChanged, r.URL,
			mod.UTC().Format(time.RFC3339Nano), time.UnixMilli(r.Timestamp).UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// fetch downloads a remote resource: a FILE to <dir>/<name> (mode from the
// store, else 0755), an ARCHIVE to a temporary file that is unpacked into
// <dir>/<name> and removed. The size and time are checked before and the
// byte count after the transfer, so a resource that changed is never used.
func (l *Localizer) fetch(ctx context.Context, dir, name string, r api.LocalResource) error {
	if l.store == nil {
		return fmt.Errorf("%w: %s: this NodeManager has no object store configured", ErrBadSource, r.URL)
	}
	if urlScheme(r.URL) == "s3" && !l.underRemote(r.URL) {
		return fmt.Errorf("%w: %s is not under %s", ErrOutsideRoots, r.URL, strings.Join(l.remote, ", "))
	}
	body, info, err := l.store.Get(ctx, r.URL)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSource, err)
	}
	defer body.Close()
	if err := checkUnchanged(r, info.Size, info.ModTime); err != nil {
		return err
	}
	mode := info.Mode.Perm()
	if mode == 0 {
		mode = 0o755
	}
	dst := filepath.Join(dir, name)
	if r.Type == api.ResourceArchive {
		// unpack knows the format by the name's suffix.
		dst = filepath.Join(dir, ".download-"+name+"-"+path.Base(urlPath(r.URL)))
		mode = 0o600
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, body)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && info.Size >= 0 && n != info.Size {
		err = fmt.Errorf("%w: %s: read %d of %d bytes", ErrChanged, r.URL, n, info.Size)
	}
	if err == nil {
		err = os.Chmod(dst, mode) // the umask may have cut bits
	}
	if err != nil {
		os.Remove(dst)
		if errors.Is(err, ErrChanged) {
			return err
		}
		return fmt.Errorf("%w: downloading %s: %v", ErrBadSource, r.URL, err)
	}
	if r.Type != api.ResourceArchive {
		return nil
	}
	defer os.Remove(dst)
	return unpack(dst, filepath.Join(dir, name))
}

// underRemote reports whether the s3:// URL raw names an object under one
// of the s3:// roots: compared as bucket and cleaned key, after decoding,
// with the scheme's case ignored.
func (l *Localizer) underRemote(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	key := u.Path
	if key == "" || strings.Contains(key, "\x00") || path.Clean(key) != key || strings.Contains("/"+key+"/", "/../") {
		return false
	}
	obj := "s3://" + u.Host + key
	for _, r := range l.remote {
		if strings.HasPrefix(obj, r) {
			return true
		}
	}
	return false
}

// urlPath is the path of a URL ("" when it has none).
func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
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
		return "", fmt.Errorf("%w: %q is neither an absolute path, a file:///absolute/path, s3:// nor http(s):// URL", ErrBadSource, raw)
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
