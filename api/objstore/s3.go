package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// metaMode is the user-metadata key (x-amz-meta-goyarn-mode) that keeps a
// file's permission bits, in octal.
const metaMode = "goyarn-mode"

// s3Backend serves s3:// URLs through minio-go.
type s3Backend struct {
	mc *minio.Client
	sc s3Context
}

func newS3Backend(cfg Config) (*s3Backend, error) {
	endpoint := cfg.S3Endpoint
	if endpoint == "" {
		endpoint = "https://s3.amazonaws.com"
	}
	hostPort, secure, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, fmt.Errorf("objstore config: %w", err)
	}
	sc := s3Context{endpoint: strings.TrimSuffix(endpoint, "/"), profile: cfg.S3Profile}
	creds := credentials.NewStaticV4("", "", "") // anonymous
	if cfg.S3CredentialsFile != "" {
		path, err := expandHome(cfg.S3CredentialsFile)
		if err != nil {
			return nil, err
		}
		keys, err := loadCredentials(path, cfg.S3Profile)
		if err != nil {
			return nil, err
		}
		sc.credsFile = path
		creds = credentials.NewStaticV4(keys.accessKey, keys.secretKey, keys.sessionToken)
	}
	lookup := minio.BucketLookupPath
	if cfg.S3VirtualHost {
		lookup = minio.BucketLookupDNS
	}
	mc, err := minio.New(hostPort, &minio.Options{
		Creds:        creds,
		Secure:       secure,
		Region:       cfg.S3Region,
		BucketLookup: lookup,
		Transport:    cfg.HTTPClient.Transport,
		MaxRetries:   cfg.S3MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("objstore S3 client for %s: %w", endpoint, err)
	}
	return &s3Backend{mc: mc, sc: sc}, nil
}

func (b *s3Backend) fail(op string, loc location, err error) error {
	return mapS3Error(op, loc.raw, loc.bucket, b.sc, err)
}

// objectInfo converts minio's ObjectInfo. ModTime is cut to whole seconds:
// HEAD and GET carry HTTP dates, List carries milliseconds.
func objectInfo(bucket string, oi minio.ObjectInfo) Info {
	info := Info{
		URL:     s3URL(bucket, oi.Key),
		Size:    oi.Size,
		ModTime: oi.LastModified.UTC().Truncate(time.Second),
		ETag:    strings.Trim(oi.ETag, `"`),
	}
	if v := oi.Metadata.Get("X-Amz-Meta-" + metaMode); v != "" {
		if m, err := strconv.ParseUint(v, 8, 32); err == nil {
			info.Mode = fs.FileMode(m).Perm()
		}
	}
	return info
}

func (b *s3Backend) put(ctx context.Context, loc location, r io.Reader, size int64, mode fs.FileMode) (Info, error) {
	opts := minio.PutObjectOptions{
		UserMetadata: map[string]string{metaMode: fmt.Sprintf("%04o", mode.Perm())},
		ContentType:  "application/octet-stream",
	}
	if size < 0 {
		// Unknown size: minio-go buffers one part at a time and would size
		// parts for a 5 TiB object (over 500 MiB each). 16 MiB parts
		// allow 160 GiB.
		opts.PartSize = 16 << 20
	}
	_, err := b.mc.PutObject(ctx, loc.bucket, loc.path, r, size, opts)
	if err != nil {
		return Info{}, b.fail("put", loc, err)
	}
	return b.stat(ctx, loc)
}

func (b *s3Backend) stat(ctx context.Context, loc location) (Info, error) {
	oi, err := b.mc.StatObject(ctx, loc.bucket, loc.path, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, b.notFound(ctx, "stat", loc, err)
	}
	info := objectInfo(loc.bucket, oi)
	info.URL = loc.raw
	return info, nil
}

// notFound maps err, telling a missing bucket from a missing key: a HEAD
// answer has no body, so both arrive as NoSuchKey (and some servers say
// NoSuchKey for a GET in a missing bucket too).
func (b *s3Backend) notFound(ctx context.Context, op string, loc location, err error) error {
	mapped := b.fail(op, loc, err)
	if !errors.Is(mapped, ErrNotFound) {
		return mapped
	}
	if ok, berr := b.mc.BucketExists(ctx, loc.bucket); berr == nil && !ok {
		return noBucket(op, loc.raw, loc.bucket, b.sc)
	}
	return mapped
}

func (b *s3Backend) get(ctx context.Context, loc location) (io.ReadCloser, Info, error) {
	// Core's GetObject sends one GET and describes that response, so the
	// Info matches the bytes. (Client.GetObject's Stat would be a separate
	// HEAD, and a change in between would fail the read with a 412.)
	body, oi, _, err := minio.Core{Client: b.mc}.GetObject(ctx, loc.bucket, loc.path, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, b.notFound(ctx, "get", loc, err)
	}
	info := objectInfo(loc.bucket, oi)
	info.URL = loc.raw
	return body, info, nil
}

// keyPrefix is the listing prefix of a prefix location: its key as a
// directory.
func keyPrefix(loc location) string {
	if loc.path == "" {
		return ""
	}
	return loc.path + "/"
}

func (b *s3Backend) list(ctx context.Context, loc location) ([]Info, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var out []Info
	for oi := range b.mc.ListObjects(ctx, loc.bucket, minio.ListObjectsOptions{Prefix: keyPrefix(loc), Recursive: true}) {
		if oi.Err != nil {
			return nil, b.fail("list", loc, oi.Err)
		}
		if strings.HasSuffix(oi.Key, "/") {
			continue // a directory marker, not an object
		}
		out = append(out, objectInfo(loc.bucket, oi))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", loc.raw, err)
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.URL, b.URL) })
	return out, nil
}

func (b *s3Backend) deleteAll(ctx context.Context, loc location) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	objs := make(chan minio.ObjectInfo)
	listed := make(chan struct{})
	var listErr error
	go func() {
		defer close(listed)
		defer close(objs)
		for oi := range b.mc.ListObjects(ctx, loc.bucket, minio.ListObjectsOptions{Prefix: keyPrefix(loc), Recursive: true}) {
			if oi.Err != nil {
				listErr = oi.Err
				return
			}
			select {
			case objs <- oi:
			case <-ctx.Done():
				return
			}
		}
	}()
	var first error
	for e := range b.mc.RemoveObjects(ctx, loc.bucket, objs, minio.RemoveObjectsOptions{}) {
		if first == nil && e.Err != nil {
			first = fmt.Errorf("%s: %w", e.ObjectName, e.Err)
		}
	}
	cancel() // RemoveObjects may stop before objs is drained
	<-listed
	switch {
	case first != nil:
		return b.fail("delete", loc, first)
	case listErr != nil:
		return b.fail("delete", loc, listErr)
	}
	return nil
}
