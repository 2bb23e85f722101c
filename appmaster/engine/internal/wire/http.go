package wire

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// ErrUnreachable marks a call that never got an HTTP answer: the peer is
// down, the connection broke, or the call timed out.
var ErrUnreachable = errors.New("peer unreachable")

// StatusError is a call the peer answered with a non-2xx status.
type StatusError struct {
	Code int
	Body string
}

func (e *StatusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Code, e.Body) }

// NewHTTPClient returns a client for engine calls: a bounded dial, no overall
// timeout (tasks run as long as they run; callers bound calls with contexts).
// A non-empty secret is sent as "Authorization: Bearer <secret>".
func NewHTTPClient(secret string) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       60 * time.Second,
		ResponseHeaderTimeout: 0,
	}
	if secret == "" {
		return &http.Client{Transport: tr}
	}
	return &http.Client{Transport: bearer{tr, "Bearer " + secret}}
}

type bearer struct {
	next *http.Transport
	auth string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", b.auth)
	return b.next.RoundTrip(r)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (b bearer) CloseIdleConnections() { b.next.CloseIdleConnections() }

// RequireSecret wraps h so that, when secret is not empty, only requests
// carrying it as a bearer token get through; the others get 401.
func RequireSecret(secret string, h http.Handler) http.Handler {
	if secret == "" {
		return h
	}
	want := []byte("Bearer " + secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Call sends in as JSON with method to http://addr+path and decodes the
// answer into out (when non-nil), reading at most maxBody bytes. A failure to
// get any answer wraps ErrUnreachable; a non-2xx answer is a *StatusError.
func Call(ctx context.Context, hc *http.Client, method, addr, path string, in, out any, maxBody int64) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding %s request: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+addr+path, body)
	if err != nil {
		return fmt.Errorf("%s%s: %w", addr, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s%s: %w", ErrUnreachable, addr, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("%w: %s%s: reading the answer: %w", ErrUnreachable, addr, path, err)
	}
	if int64(len(data)) > maxBody {
		return fmt.Errorf("%s%s: answer over %d bytes", addr, path, maxBody)
	}
	if res.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(data))
		if len(msg) > 500 {
			msg = msg[:500]
		}
		return &StatusError{Code: res.StatusCode, Body: msg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s%s: decoding the answer: %w", addr, path, err)
	}
	return nil
}
