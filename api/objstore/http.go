package objstore

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
)

// httpBackend reads http(s) URLs: Stat is a HEAD, Get a GET.
type httpBackend struct {
	client *http.Client
}

func (b *httpBackend) do(ctx context.Context, op, method string, loc location) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, loc.raw, nil)
	if err != nil {
		return nil, badURL(loc.raw, "%v", err)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, mapNetError(op, loc.raw, req.URL.Host, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotFound, http.StatusGone:
		return nil, fmt.Errorf("%s %s: %w (HTTP %d)", op, loc.raw, ErrNotFound, resp.StatusCode)
	case http.StatusUnauthorized, http.StatusForbidden:
		return nil, fmt.Errorf("%s %s: %w (HTTP %d): the server wants credentials this client does not send; use a URL it serves openly",
			op, loc.raw, ErrAccessDenied, resp.StatusCode)
	}
	return nil, fmt.Errorf("%s %s: server answered %s", op, loc.raw, resp.Status)
}

func httpInfo(raw string, resp *http.Response) Info {
	info := Info{URL: raw, Size: resp.ContentLength, ETag: strings.Trim(resp.Header.Get("ETag"), `"`)}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		info.ModTime = t.UTC()
	}
	return info
}

func (b *httpBackend) stat(ctx context.Context, loc location) (Info, error) {
	resp, err := b.do(ctx, "stat", http.MethodHead, loc)
	if err != nil {
		return Info{}, err
	}
	resp.Body.Close()
	return httpInfo(loc.raw, resp), nil
}

func (b *httpBackend) get(ctx context.Context, loc location) (io.ReadCloser, Info, error) {
	resp, err := b.do(ctx, "get", http.MethodGet, loc)
	if err != nil {
		return nil, Info{}, err
	}
	return resp.Body, httpInfo(loc.raw, resp), nil
}

func (b *httpBackend) put(_ context.Context, loc location, _ io.Reader, _ int64, _ fs.FileMode) (Info, error) {
	return Info{}, readOnly("put", loc.raw)
}

func (b *httpBackend) list(_ context.Context, loc location) ([]Info, error) {
	return nil, errUnsupported("list", loc.raw, "http(s) has no listing; name each object")
}

func (b *httpBackend) deleteAll(_ context.Context, loc location) error {
	return readOnly("delete", loc.raw)
}

func readOnly(op, raw string) error {
	return fmt.Errorf("%s %s: %w: http(s) URLs can only be read; write to file:// or s3:// instead", op, raw, ErrReadOnly)
}
