package logaggregation

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/logagg"
)

// Container is one container whose log dir is aggregated.
type Container struct {
	ID     api.ContainerID
	LogDir string
}

// ArchiveStats sums up what WriteArchive put in the archive.
type ArchiveStats struct {
	Files     int
	Bytes     int64
	Truncated int // containers that hit the cap or had entries skipped
}

// openFlags open what a container controls without following a symlink
// and without blocking (a FIFO opened O_NONBLOCK returns at once; it is
// then refused for not being a regular file).
const openFlags = syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_CLOEXEC | syscall.O_NOCTTY

// WriteArchive writes the logs of containers as the tar described in
// api/logagg: "<container id>/<file>" for every regular file directly in a
// container's log dir, with its permission bits and modification time.
// Log dirs are written by the containers, so every name is opened relative
// to the directory's descriptor with O_NOFOLLOW|O_NONBLOCK and checked with
// fstat: symlinks, FIFOs, sockets, devices and sub-directories are skipped.
// At most maxBytes of each container's files are kept (the last bytes of the
// file that crosses the cap; later files are left out), and a container
// that lost anything gets a logagg.TruncatedMarker entry saying what. A
// container whose log dir is missing contributes nothing. Errors are those
// of w, or of a log dir that exists but cannot be read safely.
func WriteArchive(w io.Writer, containers []Container, maxBytes int64, now time.Time) (ArchiveStats, error) {
	var st ArchiveStats
	tw := tar.NewWriter(w)
	sorted := append([]Container(nil), containers...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID.String() < sorted[j].ID.String() })
	for _, c := range sorted {
		notes, err := writeContainer(tw, c, maxBytes, &st)
		if err != nil {
			return st, err
		}
		if len(notes) > 0 {
			st.Truncated++
			body := "goyarn log aggregation left out part of the logs of " + c.ID.String() + ":\n" + strings.Join(notes, "\n") + "\n"
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: logagg.EntryName(c.ID, logagg.TruncatedMarker),
				Size: int64(len(body)), Mode: 0o644, ModTime: now}); err != nil {
				return st, err
			}
			if _, err := io.WriteString(tw, body); err != nil {
				return st, err
			}
		}
	}
	return st, tw.Close()
}

// writeContainer adds one container's files; it returns notes on what was
// left out.
func writeContainer(tw *tar.Writer, c Container, maxBytes int64, st *ArchiveStats) ([]string, error) {
	dfd, err := syscall.Open(c.LogDir, openFlags|syscall.O_DIRECTORY, 0)
	if errors.Is(err, syscall.ENOENT) {
		return nil, nil
	}
	if err != nil {
		return []string{fmt.Sprintf("log dir: not a readable directory (%v)", err)}, nil
	}
	dir := os.NewFile(uintptr(dfd), c.LogDir)
	defer dir.Close()
	entries, err := dir.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", c.LogDir, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var notes []string
	budget := maxBytes
	for _, e := range entries {
		name := e.Name()
		if name == logagg.TruncatedMarker {
			notes = append(notes, fmt.Sprintf("%s: skipped (the name is reserved)", name))
			continue
		}
		if !logagg.ValidFileName(name) {
			notes = append(notes, fmt.Sprintf("%q: skipped (the name is not printable)", name))
			continue
		}
		if e.Type()&fs.ModeType != 0 { // from the dirent: no need to open it
			notes = append(notes, fmt.Sprintf("%s: skipped (%s, not a regular file)", name, kind(e.Type())))
			continue
		}
		note, err := writeFile(tw, dfd, c, name, &budget, st)
		if err != nil {
			return notes, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	return notes, nil
}

// writeFile adds one file opened relative to the log dir's descriptor.
func writeFile(tw *tar.Writer, dfd int, c Container, name string, budget *int64, st *ArchiveStats) (string, error) {
	fd, err := syscall.Openat(dfd, name, openFlags, 0)
	if err != nil {
		return fmt.Sprintf("%s: skipped (%v)", name, err), nil
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	fi, err := f.Stat() // fstat: what was opened, not what the name means now
	if err != nil {
		return fmt.Sprintf("%s: skipped (%v)", name, err), nil
	}
	if !fi.Mode().IsRegular() {
		return fmt.Sprintf("%s: skipped (%s, not a regular file)", name, kind(fi.Mode())), nil
	}
	size := fi.Size()
	if *budget <= 0 {
		return fmt.Sprintf("%s: left out (%d bytes): the container's logs exceeded the cap", name, size), nil
	}
	n, note := size, ""
	if size > *budget {
		n = *budget
		note = fmt.Sprintf("%s: truncated to its last %d of %d bytes: the container's logs exceeded the cap", name, n, size)
		if _, err := f.Seek(size-n, io.SeekStart); err != nil {
			return fmt.Sprintf("%s: skipped (%v)", name, err), nil
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: logagg.EntryName(c.ID, name), Size: n,
		Mode: int64(fi.Mode().Perm()), ModTime: fi.ModTime()}); err != nil {
		return "", err
	}
	copied, err := io.Copy(tw, io.LimitReader(f, n))
	if err != nil && !isReadErr(err) {
		return "", err
	}
	if copied < n { // the file shrank (or a read failed): pad to the size announced
		if _, werr := io.CopyN(tw, zeros{}, n-copied); werr != nil {
			return "", werr
		}
		note = fmt.Sprintf("%s: %d of %d bytes could be read; the rest is zeros", name, copied, n)
	}
	*budget -= n
	st.Files++
	st.Bytes += n
	return note, nil
}

// isReadErr tells a read error of the source (the entry is padded) from a
// write error of the archive (fatal). tar.Writer wraps neither; the archive
// writes only fail on the temp file, which reports *fs.PathError with Op
// "write".
func isReadErr(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Op == "read"
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}
