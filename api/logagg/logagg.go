package logagg

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
)

// TruncatedMarker is the name of the entry that lists what the NodeManager
// left out of a container's aggregated logs.
const TruncatedMarker = "goyarn-logs-truncated"

// ErrNotAggregated is wrapped when no aggregated logs are found.
var ErrNotAggregated = errors.New("no aggregated logs")

// Base turns a configured remote-app-log-dir into a URL: a plain absolute
// path becomes file://path; URLs are kept.
func Base(remoteDir string) string {
	remoteDir = strings.TrimSpace(remoteDir)
	if strings.HasPrefix(remoteDir, "/") {
		return "file://" + remoteDir
	}
	return remoteDir
}

// AppDir is the prefix holding one application's aggregated logs.
func AppDir(remoteDir, user string, app api.ApplicationID) string {
	return objstore.Join(Base(remoteDir), user, "logs", app.String())
}

// NodeFileName is the object name of a node's logs: its id with ':'
// replaced by '_'.
func NodeFileName(node api.NodeID) string {
	return strings.ReplaceAll(node.String(), ":", "_")
}

// NodeFromFileName turns an object name back into host:port (the last '_'
// becomes ':'); a name without '_' is returned as it is.
func NodeFromFileName(name string) string {
	if i := strings.LastIndexByte(name, '_'); i >= 0 {
		return name[:i] + ":" + name[i+1:]
	}
	return name
}

// NodeObject is the URL of one node's logs of an application.
func NodeObject(remoteDir, user string, app api.ApplicationID, node api.NodeID) string {
	return objstore.Join(AppDir(remoteDir, user, app), NodeFileName(node))
}

// PagePath is the path of the RM web page of a container's aggregated logs:
// the list of its files, or one file when file is set. NodeManagers redirect
// there once a container's local logs are gone (yarn.log.server.url).
func PagePath(c api.ContainerID, user, file string) string {
	p := "/cluster/containerlogs/" + c.String() + "/" + url.PathEscape(user)
	if file != "" {
		p += "/" + url.PathEscape(file)
	}
	return p
}

// EntryName is the tar entry name of a container's log file.
func EntryName(c api.ContainerID, file string) string { return c.String() + "/" + file }

// ValidFileName reports whether name can be an aggregated log file's name:
// one path element, printable (a container chooses its log files' names,
// and readers print them: no control characters that could forge another
// section of `goyarn logs` output or a page).
func ValidFileName(name string) bool {
	if name == "" || name == "." || name == ".." || len(name) > 255 || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if r == '/' || r == '\\' || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// File describes one aggregated log file.
type File struct {
	Container api.ContainerID
	Name      string
	Size      int64
	Mode      fs.FileMode
	ModTime   time.Time
}

// Scan reads a node's archive and calls fn for every well-formed entry with a
// reader of its content (valid during the call only; fn need not drain it).
// Entries that are not regular files or whose names are not
// "<container id>/<plain name>" are skipped. fn returning a non-nil error
// stops the scan with it; io.EOF stops it without an error.
func Scan(r io.Reader, fn func(File, io.Reader) error) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading aggregated logs: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		f, ok := parseEntry(hdr)
		if !ok {
			continue
		}
		if err := fn(f, tr); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

func parseEntry(hdr *tar.Header) (File, bool) {
	dir, name, ok := strings.Cut(hdr.Name, "/")
	if !ok || !ValidFileName(name) {
		return File{}, false
	}
	cid, err := api.ParseContainerID(dir)
	if err != nil {
		return File{}, false
	}
	return File{Container: cid, Name: name, Size: hdr.Size, Mode: fs.FileMode(hdr.Mode).Perm(), ModTime: hdr.ModTime}, true
}

// Store is what readers need of an object store (*objstore.Client).
type Store interface {
	List(ctx context.Context, prefixURL string) ([]objstore.Info, error)
	Get(ctx context.Context, url string) (io.ReadCloser, objstore.Info, error)
}

// NodeLogs is one node's object of an application's aggregated logs.
type NodeLogs struct {
	Node string // host:port
	URL  string
	Info objstore.Info
}

// Nodes lists the node objects of an application, sorted by node.
func Nodes(ctx context.Context, st Store, remoteDir, user string, app api.ApplicationID) ([]NodeLogs, error) {
	dir := AppDir(remoteDir, user, app)
	infos, err := st.List(ctx, dir)
	if err != nil {
		return nil, err
	}
	var out []NodeLogs
	for _, in := range infos {
		name := path.Base(in.URL)
		if strings.HasPrefix(name, ".") || strings.TrimSuffix(in.URL, "/"+name) != strings.TrimSuffix(dir, "/") {
			continue // temp files of a writer, or something deeper
		}
		out = append(out, NodeLogs{Node: NodeFromFileName(name), URL: in.URL, Info: in})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Node < out[j].Node })
	return out, nil
}

// Open finds one container's log file in the application's aggregated logs
// and calls fn with it. It wraps ErrNotAggregated when no node object holds
// the file.
func Open(ctx context.Context, st Store, remoteDir, user string, c api.ContainerID, file string, fn func(File, io.Reader) error) error {
	nodes, err := Nodes(ctx, st, remoteDir, user, c.App())
	if err != nil {
		return err
	}
	for _, n := range nodes {
		found := false
		err := scanObject(ctx, st, n.URL, func(f File, r io.Reader) error {
			if f.Container != c || f.Name != file {
				return nil
			}
			found = true
			if err := fn(f, r); err != nil {
				return err
			}
			return io.EOF
		})
		if err != nil {
			return err
		}
		if found {
			return nil
		}
	}
	return fmt.Errorf("%w: %s of container %s", ErrNotAggregated, file, c)
}

func scanObject(ctx context.Context, st Store, url string, fn func(File, io.Reader) error) error {
	rc, _, err := st.Get(ctx, url)
	if err != nil {
		return err
	}
	defer rc.Close()
	return Scan(rc, fn)
}

// ScanNode reads one node object, calling fn for each entry (see Scan).
func ScanNode(ctx context.Context, st Store, n NodeLogs, fn func(File, io.Reader) error) error {
	return scanObject(ctx, st, n.URL, fn)
}
