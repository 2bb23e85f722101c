package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// Info describes one object.
type Info struct {
	URL     string
	Size    int64 // -1 when an http(s) server sends no Content-Length
	ModTime time.Time
	// ETag changes whenever the object does: S3's ETag (quotes removed),
	// the server's for http(s), a validator of inode, size and mtime for
	// file://.
	ETag string
	Mode fs.FileMode // permission bits; 0 when unknown (http, S3 List)
}

// backend is one URL scheme.
type backend interface {
	put(ctx context.Context, loc location, r io.Reader, size int64, mode fs.FileMode) (Info, error)
	stat(ctx context.Context, loc location) (Info, error)
	get(ctx context.Context, loc location) (io.ReadCloser, Info, error)
	list(ctx context.Context, loc location) ([]Info, error)
	deleteAll(ctx context.Context, loc location) error
}

// Client reads and writes objects of every scheme. It is safe for
// concurrent use.
type Client struct {
	file *fileBackend
	s3   *s3Backend
	http *httpBackend
}

// New checks cfg and builds a Client. It reads cfg.S3CredentialsFile now
// (so a bad file fails here, not at the first upload) and does not touch
// the network.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("objstore config: %w", err)
	}
	cfg = cfg.withDefaults()
	fb, err := newFileBackend(cfg.FileRoots)
	if err != nil {
		return nil, err
	}
	sb, err := newS3Backend(cfg)
	if err != nil {
		return nil, err
	}
	return &Client{file: fb, s3: sb, http: &httpBackend{client: cfg.HTTPClient}}, nil
}

func (c *Client) backend(loc location) backend {
	switch loc.scheme {
	case SchemeFile:
		return c.file
	case SchemeS3:
		return c.s3
	default:
		return c.http
	}
}

// object parses a URL that must name an object, not a prefix.
func object(raw string) (location, error) {
	loc, err := parse(raw)
	if err != nil {
		return location{}, err
	}
	if loc.dir {
		return location{}, badURL(raw, "names a directory or prefix, not an object")
	}
	return loc, nil
}

// prefix parses a URL used as a List or DeleteAll prefix.
func prefix(raw string) (location, error) {
	loc, err := parse(raw)
	if err != nil {
		return location{}, err
	}
	if loc.scheme == SchemeFile && loc.path == "/" {
		return location{}, badURL(raw, "refusing the whole filesystem as a prefix")
	}
	return loc, nil
}

// Put stores size bytes from r at url with the permission bits of mode (0
// means 0644), replacing any object there. Readers never see a partial
// object. size -1 means unknown (S3 then buffers parts in memory). The Info
// returned is the stored object's, as Stat would report it.
func (c *Client) Put(ctx context.Context, url string, r io.Reader, size int64, mode fs.FileMode) (Info, error) {
	loc, err := object(url)
	if err != nil {
		return Info{}, err
	}
	if size < -1 {
		return Info{}, fmt.Errorf("put %s: negative size %d", url, size)
	}
	if mode = mode.Perm(); mode == 0 {
		mode = 0o644
	}
	return c.backend(loc).put(ctx, loc, r, size, mode)
}

// PutFile stores the local file localPath at url, with its size and
// permission bits.
func (c *Client) PutFile(ctx context.Context, url, localPath string) (Info, error) {
	f, err := os.Open(localPath)
	if err != nil {
		return Info{}, fmt.Errorf("put %s: %w", url, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Info{}, fmt.Errorf("put %s: %w", url, err)
	}
	if !fi.Mode().IsRegular() {
		return Info{}, fmt.Errorf("put %s: %s is not a regular file", url, localPath)
	}
	return c.Put(ctx, url, f, fi.Size(), fi.Mode().Perm())
}

// Stat describes the object at url; ErrNotFound when there is none.
func (c *Client) Stat(ctx context.Context, url string) (Info, error) {
	loc, err := object(url)
	if err != nil {
		return Info{}, err
	}
	return c.backend(loc).stat(ctx, loc)
}

// Get opens the object at url. The Info describes the bytes the reader
// returns (taken from the same open or response). The caller closes the
// reader.
func (c *Client) Get(ctx context.Context, url string) (io.ReadCloser, Info, error) {
	loc, err := object(url)
	if err != nil {
		return nil, Info{}, err
	}
	return c.backend(loc).get(ctx, loc)
}

// List returns every object under prefixURL (taken as a directory),
// recursively, sorted by URL. Nothing there is an empty list, not an error.
func (c *Client) List(ctx context.Context, prefixURL string) ([]Info, error) {
	loc, err := prefix(prefixURL)
	if err != nil {
		return nil, err
	}
	return c.backend(loc).list(ctx, loc)
}

// DeleteAll removes every object under prefixURL (taken as a directory).
// Nothing there is not an error.
func (c *Client) DeleteAll(ctx context.Context, prefixURL string) error {
	loc, err := prefix(prefixURL)
	if err != nil {
		return err
	}
	return c.backend(loc).deleteAll(ctx, loc)
}

// errUnsupported wraps errors.ErrUnsupported for an operation a scheme
// cannot do.
func errUnsupported(op, raw, why string) error {
	return fmt.Errorf("%s %s: %w: %s", op, raw, errors.ErrUnsupported, why)
}
