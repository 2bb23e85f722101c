package localizer

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// unpack extracts the archive src into the new directory dst.
func unpack(src, dst string) error {
	lower := strings.ToLower(src)
	var extract func(src string, root *os.Root) error
	switch {
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		extract = func(src string, root *os.Root) error { return untar(src, root, true) }
	case strings.HasSuffix(lower, ".tar"):
		extract = func(src string, root *os.Root) error { return untar(src, root, false) }
	case strings.HasSuffix(lower, ".zip"), strings.HasSuffix(lower, ".jar"):
		extract = unzip
	default:
		return fmt.Errorf("%w: archive %s is not .tar.gz, .tgz, .tar, .zip or .jar", ErrUnsupported, src)
	}
	if err := os.Mkdir(dst, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := extract(src, root); err != nil {
		return fmt.Errorf("unpacking %s: %w", src, err)
	}
	return nil
}

// entryName checks an archive entry name and returns it cleaned ("" for the
// archive's root itself).
func entryName(name string) (string, error) {
	clean := path.Clean(strings.TrimSuffix(name, "/"))
	if clean == "." {
		return "", nil
	}
	if strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || !fs.ValidPath(clean) {
		return "", fmt.Errorf("%w: entry %q leaves the archive's directory", ErrBadArchive, name)
	}
	return clean, nil
}

// checkLink refuses symlink entries whose target is absolute or leads out of
// the archive's directory from where the link sits.
func checkLink(name, target string) error {
	if target == "" || strings.HasPrefix(target, "/") || !fs.ValidPath(path.Clean(path.Join(path.Dir(name), target))) {
		return fmt.Errorf("%w: link %q -> %q points outside the archive's directory", ErrBadArchive, name, target)
	}
	return nil
}

func untar(src string, root *os.Root, gzipped bool) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSource, err)
	}
	defer f.Close()
	var r io.Reader = f
	if gzipped {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBadArchive, err)
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBadArchive, err)
		}
		name, err := entryName(h.Name)
		if err != nil {
			return err
		}
		if name == "" {
			continue
		}
		mode := fs.FileMode(h.Mode).Perm()
		switch h.Typeflag {
		case tar.TypeDir:
			if err = mkParent(root, name); err == nil {
				err = root.MkdirAll(name, mode|0o700)
			}
		case tar.TypeReg:
			err = writeEntry(root, name, mode, tr)
		case tar.TypeSymlink:
			if err = checkLink(name, h.Linkname); err == nil {
				err = mkParent(root, name)
			}
			if err == nil {
				err = root.Symlink(h.Linkname, name)
			}
		case tar.TypeLink:
			var target string
			if target, err = entryName(h.Linkname); err == nil && target == "" {
				err = fmt.Errorf("%w: hard link %q to the archive's root", ErrBadArchive, h.Name)
			}
			if err == nil {
				err = mkParent(root, name)
			}
			if err == nil {
				err = root.Link(target, name)
			}
		default:
			continue // devices, fifos: skipped, as YARN's unpacking does
		}
		if err != nil {
			return err
		}
	}
}

func unzip(src string, root *os.Root) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadArchive, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		name, err := entryName(f.Name)
		if err != nil {
			return err
		}
		if name == "" {
			continue
		}
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err = mkParent(root, name); err == nil {
				err = root.MkdirAll(name, mode.Perm()|0o700)
			}
		case mode&fs.ModeSymlink != 0:
			err = zipLink(root, name, f)
		case mode.IsRegular():
			var rc io.ReadCloser
			if rc, err = f.Open(); err != nil {
				return fmt.Errorf("%w: %v", ErrBadArchive, err)
			}
			err = writeEntry(root, name, mode.Perm(), rc)
			rc.Close()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func zipLink(root *os.Root, name string, f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadArchive, err)
	}
	target, err := io.ReadAll(io.LimitReader(rc, 4096))
	rc.Close()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadArchive, err)
	}
	if err := checkLink(name, string(target)); err != nil {
		return err
	}
	if err := mkParent(root, name); err != nil {
		return err
	}
	return root.Symlink(string(target), name)
}

// mkParent creates the directories above name, refusing to go through a
// symlink: an entry is written where its name says, or not at all.
func mkParent(root *os.Root, name string) error {
	dir := path.Dir(name)
	if dir == "." {
		return nil
	}
	for p := dir; p != "."; p = path.Dir(p) {
		if fi, err := root.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: entry %q goes through the symlink %q", ErrBadArchive, name, p)
		}
	}
	return root.MkdirAll(dir, 0o755)
}

func writeEntry(root *os.Root, name string, perm fs.FileMode, r io.Reader) error {
	if err := mkParent(root, name); err != nil {
		return err
	}
	out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return fmt.Errorf("%w: %v", ErrBadArchive, err)
	}
	if err := out.Chmod(perm | 0o600); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
