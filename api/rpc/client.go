package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// MaxBodyBytes bounds every RPC request and response body.
const MaxBodyBytes = 16 << 20

// Options tune a Client. The zero value makes one pass over the addresses.
type Options struct {
	// Bearer is sent as "Authorization: Bearer <Bearer>" when non-empty.
	Bearer string
	// MaxWait is how long a call keeps cycling through the addresses while
	// every one is down or not active. Zero: one pass.
	MaxWait time.Duration
	// BackoffBase and BackoffMax bound the pause after a pass in which no
	// address answered as active (defaults 100 ms and 2 s).
	BackoffBase, BackoffMax time.Duration
	// Timeout bounds one HTTP exchange (default 30 s).
	Timeout time.Duration
	// OnFailover, when set, is told each time the client moves to another
	// address and why.
	OnFailover func(from, to string, cause error)
}

// Client calls RPC endpoints on one of several equivalent servers: the RMs of
// a cluster, or a single NM.
type Client struct {
	addrs []string
	opts  Options
	http  *http.Client

	mu  sync.Mutex
	cur int
}

// NewClient returns a client for the servers at addrs (host:port).
func NewClient(addrs []string, opts Options) (*Client, error) {
	clean := make([]string, 0, len(addrs))
	for _, a := range addrs {
		a = strings.TrimSpace(a)
		a = strings.TrimPrefix(strings.TrimPrefix(a, "http://"), "https://")
		if a != "" {
			clean = append(clean, strings.TrimSuffix(a, "/"))
		}
	}
	if len(clean) == 0 {
		return nil, errors.New("rpc: no server addresses")
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = 100 * time.Millisecond
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = 2 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &Client{addrs: clean, opts: opts, http: &http.Client{Transport: tr, Timeout: opts.Timeout}}, nil
}

// Addresses returns the servers the client knows.
func (c *Client) Addresses() []string { return append([]string(nil), c.addrs...) }

// Current returns the address the client will try first.
func (c *Client) Current() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addrs[c.cur]
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Call POSTs req as JSON to path and decodes the answer into resp (which may
// be nil). A server that is unreachable or answers NOT_ACTIVE makes the
// client move on to the next address; any other error is returned at once.
func (c *Client) Call(ctx context.Context, path string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("rpc: encoding %s request: %w", path, err)
	}
	var deadline time.Time
	if c.opts.MaxWait > 0 {
		deadline = time.Now().Add(c.opts.MaxWait)
	}
	backoff := c.opts.BackoffBase
	var lastErr error
	for {
		for range c.addrs {
			c.mu.Lock()
			addr := c.addrs[c.cur]
			c.mu.Unlock()
			err := c.do(ctx, addr, path, body, resp)
			if err == nil || !failoverWorthy(err) {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			lastErr = err
			c.advance(addr, err)
		}
		if deadline.IsZero() || time.Now().Add(backoff).After(deadline) {
			return fmt.Errorf("rpc: no active server among %s: %w", strings.Join(c.addrs, ","), lastErr)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(backoff*2, c.opts.BackoffMax)
	}
}

func (c *Client) advance(from string, cause error) {
	c.mu.Lock()
	if c.addrs[c.cur] == from {
		c.cur = (c.cur + 1) % len(c.addrs)
	}
	to := c.addrs[c.cur]
	c.mu.Unlock()
	if c.opts.OnFailover != nil && to != from {
		c.opts.OnFailover(from, to, cause)
	}
}

// transportError marks a failure to reach a server at all.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func failoverWorthy(err error) bool {
	var te *transportError
	return errors.As(err, &te) || CodeOf(err) == CodeNotActive
}

func (c *Client) do(ctx context.Context, addr, path string, body []byte, resp any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.opts.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.Bearer)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return &transportError{fmt.Errorf("rpc: %s%s: %w", addr, path, err)}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, MaxBodyBytes+1))
	if err != nil {
		return &transportError{fmt.Errorf("rpc: %s%s: reading response: %w", addr, path, err)}
	}
	if len(data) > MaxBodyBytes {
		return fmt.Errorf("rpc: %s%s: response over %d bytes", addr, path, MaxBodyBytes)
	}
	if res.StatusCode/100 != 2 {
		var eb ErrorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error != nil && eb.Error.Code != "" {
			return eb.Error
		}
		if res.StatusCode == http.StatusServiceUnavailable {
			return Errorf(CodeNotActive, "%s answered %s", addr, res.Status)
		}
		return Errorf(CodeInternal, "%s%s answered %s: %s", addr, path, res.Status, strings.TrimSpace(string(data)))
	}
	if resp == nil {
		return nil
	}
	if err := json.Unmarshal(data, resp); err != nil {
		return fmt.Errorf("rpc: %s%s: decoding response: %w", addr, path, err)
	}
	return nil
}
