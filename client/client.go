package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/yarn"
)

// MaxResponseBytes bounds a JSON answer the client reads.
const MaxResponseBytes = 64 << 20

// Options tune a Client. The zero value is good for a command-line tool.
type Options struct {
	// User is sent as the user.name query parameter of every request
	// (YARN's simple authentication). Default: $USER, else the OS user.
	User string
	// AuthToken, when set, is sent as "Authorization: Bearer <AuthToken>".
	AuthToken string
	// RequestTimeout bounds one HTTP exchange (default 30 s); DialTimeout
	// bounds connecting to one RM (default 5 s).
	RequestTimeout, DialTimeout time.Duration
	// FailoverWait is how long a call keeps trying while no RM answers as
	// active (default 30 s). Negative: one pass over the RMs, no waiting.
	FailoverWait time.Duration
	// BackoffBase and BackoffMax bound the pause after a pass that found no
	// active RM (defaults 250 ms and 2 s; the pause doubles each pass).
	BackoffBase, BackoffMax time.Duration
	// MaxRedirects bounds the standby redirects one request follows (default 5).
	MaxRedirects int
	// KillWait bounds Kill (default 60 s); KillPoll is the pause between its
	// requests (default 500 ms).
	KillWait, KillPoll time.Duration
	// OnWait, when set, is told why and for how long the client backs off
	// before its next pass over the RMs.
	OnWait func(msg string)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger gets debug records of failovers (default: none).
	Logger *zap.Logger
}

func (o *Options) setDefaults() {
	if o.User == "" {
		o.User = os.Getenv("USER")
	}
	if o.User == "" {
		if u, err := user.Current(); err == nil {
			o.User = u.Username
		}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.RequestTimeout, 30*time.Second)
	def(&o.DialTimeout, 5*time.Second)
	if o.FailoverWait == 0 {
		o.FailoverWait = 30 * time.Second
	}
	def(&o.BackoffBase, 250*time.Millisecond)
	def(&o.BackoffMax, 2*time.Second)
	def(&o.KillWait, 60*time.Second)
	def(&o.KillPoll, 500*time.Millisecond)
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
}

// Client calls the REST API of a cluster's ResourceManagers, failing over
// between them (see the package doc). It is safe for concurrent use.
type Client struct {
	addrs []string
	opts  Options
	http  *http.Client
	log   *zap.Logger

	mu      sync.Mutex
	active  string // last address that answered as active; may be outside addrs
	learned string // the last RM list an answer gave (see learn)
}

// New returns a client for the RMs at addrs (host:port or http://host:port;
// see ParseMaster to resolve a --master value).
func New(addrs []string, opts Options) (*Client, error) {
	var clean []string
	for _, a := range addrs {
		if strings.TrimSpace(a) == "" {
			continue
		}
		n, err := normalizeAddr(strings.TrimSpace(a))
		if err != nil {
			return nil, err
		}
		clean = append(clean, n)
	}
	if len(clean) == 0 {
		return nil, fmt.Errorf("%w: no ResourceManager addresses", ErrBadMaster)
	}
	opts.setDefaults()
	return &Client{addrs: clean, opts: opts, http: newHTTPClient(opts.RequestTimeout, opts.DialTimeout),
		log: opts.Logger.Named("client"), active: clean[0]}, nil
}

func newHTTPClient(timeout, dial time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // cluster-internal addresses: never through a proxy
	tr.DialContext = (&net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}).DialContext
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		// Standby redirects are followed by the client itself, so that it
		// keeps method, body and headers and learns the active RM.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Addresses returns the RM addresses the client knows: those it was given,
// then those an RM told it of.
func (c *Client) Addresses() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.addrs...)
}

// learn adds the RMs an answer lists (yarn.HeaderRMs) that the client does not
// know yet: given one RM, a client fails over to the others too.
func (c *Client) learn(h http.Header) {
	list := h.Get(yarn.HeaderRMs)
	if list == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if list == c.learned || len(c.addrs) >= maxLearned {
		return // every answer repeats the list: parse each list once
	}
	c.learned = list
	for _, a := range strings.Split(list, ",") {
		n, err := normalizeAddr(strings.TrimSpace(a))
		if err != nil || slices.Contains(c.addrs, n) {
			continue
		}
		c.log.Debug("learned a resourcemanager", zap.String("addr", n))
		c.addrs = append(c.addrs, n)
		if len(c.addrs) >= maxLearned {
			return
		}
	}
}

// maxLearned bounds the RM list an answer can grow.
const maxLearned = 32

// Active returns the address the client tries first: the RM that last
// answered as active.
func (c *Client) Active() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active
}

// User returns the user name the client sends.
func (c *Client) User() string { return c.opts.User }

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// request is one REST call, replayable on any RM.
type request struct {
	method, path string // path from the root: /ws/v1/cluster/...
	query        url.Values
	body         []byte // nil: no body
}

// response is a fully read answer and the address that gave it.
type response struct {
	status int
	header http.Header
	body   []byte
	addr   string
}

// order is the sequence of addresses one pass tries: the active first.
func (c *Client) order() []string {
	c.mu.Lock()
	first := c.active
	addrs := c.addrs
	c.mu.Unlock()
	out := []string{first}
	for _, a := range addrs {
		if a != first {
			out = append(out, a)
		}
	}
	return out
}

func (c *Client) setActive(addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active != addr {
		c.log.Debug("active resourcemanager changed", zap.String("from", c.active), zap.String("to", addr))
		c.active = addr
	}
}

// call sends r to the active RM (see the package doc) and returns its answer,
// whatever its status, except that 503 means "not active, try another".
// When settle is set, an answer it rejects is kept as a fallback while the
// pass goes on; a pass with only fallbacks returns the first.
func (c *Client) call(ctx context.Context, r request, settle func(*response) bool) (*response, error) {
	deadline := c.opts.Now().Add(c.opts.FailoverWait)
	backoff := c.opts.BackoffBase
	var lastErr error
	for {
		var fallback *response
		for _, addr := range c.order() {
			resp, err := c.once(ctx, addr, r)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				lastErr = err
				continue
			}
			if resp.status == http.StatusServiceUnavailable {
				lastErr = fmt.Errorf("%s answered 503: %s", resp.addr, firstLine(resp.body))
				continue
			}
			if settle != nil && !settle(resp) {
				if fallback == nil {
					fallback = resp
				}
				continue
			}
			c.setActive(resp.addr)
			c.learn(resp.header)
			return resp, nil
		}
		if fallback != nil {
			return fallback, nil
		}
		if c.opts.FailoverWait < 0 || c.opts.Now().Add(backoff).After(deadline) {
			return nil, fmt.Errorf("%w among %s: %w", ErrNoActiveRM, strings.Join(c.Addresses(), ","), lastErr)
		}
		if c.opts.OnWait != nil {
			c.opts.OnWait(fmt.Sprintf("waiting for an active ResourceManager (%v); retrying in %s", lastErr, backoff))
		}
		if err := sleep(ctx, backoff); err != nil {
			return nil, err
		}
		backoff = min(backoff*2, c.opts.BackoffMax)
	}
}

// once sends r to addr and follows standby redirects. Any error it returns
// means "this RM cannot serve the request now".
func (c *Client) once(ctx context.Context, addr string, r request) (*response, error) {
	u := &url.URL{Scheme: "http", Host: addr, Path: r.path, RawQuery: c.query(r.query).Encode()}
	for hop := 0; ; hop++ {
		resp, err := c.send(ctx, r.method, u, r.body)
		if err != nil {
			return nil, err
		}
		if resp.status != http.StatusTemporaryRedirect && resp.status != http.StatusPermanentRedirect {
			return resp, nil
		}
		if hop >= c.opts.MaxRedirects {
			return nil, fmt.Errorf("%w: last from %s", ErrTooManyRedirects, u.Host)
		}
		loc, err := u.Parse(resp.header.Get("Location"))
		if err != nil || loc.Host == "" || (loc.Scheme != "http" && loc.Scheme != "https") {
			return nil, fmt.Errorf("%w: %s redirected to %q", ErrBadResponse, u.Host, resp.header.Get("Location"))
		}
		c.log.Debug("following standby redirect", zap.String("from", u.Host), zap.String("to", loc.Host))
		u = loc
	}
}

func (c *Client) query(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	if c.opts.User != "" && out.Get("user.name") == "" {
		out.Set("user.name", c.opts.User)
	}
	return out
}

func (c *Client) send(ctx context.Context, method string, u *url.URL, body []byte) (*response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.opts.AuthToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.AuthToken)
	}
	res, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the method and URL are said below, shorter
		}
		return nil, fmt.Errorf("%s %s%s: %w", method, u.Host, u.Path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading answer: %w", method, u.Host, err)
	}
	if len(data) > MaxResponseBytes {
		return nil, fmt.Errorf("%w: %s answered more than %d bytes", ErrBadResponse, u.Host, MaxResponseBytes)
	}
	return &response{status: res.StatusCode, header: res.Header, body: data, addr: u.Host}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// errorIfNot2xx turns a non-2xx answer into its *yarn.RemoteException.
func errorIfNot2xx(resp *response) error {
	if resp.status/100 == 2 {
		return nil
	}
	return remoteError(resp.status, resp.body)
}
