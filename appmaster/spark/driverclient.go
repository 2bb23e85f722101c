package spark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// ErrDriver wraps a failed call to the driver's endpoints.
var ErrDriver = errors.New("driver call failed")

// driverClient calls the driver's endpoints (protocol.Path*).
type driverClient struct {
	base    string // http://host:port
	secret  string // sent as a bearer token when set
	http    *http.Client
	timeout time.Duration // per call
}

func newDriverClient(url, secret string, hc *http.Client, timeout time.Duration) *driverClient {
	return &driverClient{base: "http://" + url, secret: secret, http: hc, timeout: timeout}
}

// status GETs the driver's status.
func (d *driverClient) status(ctx context.Context) (protocol.DriverStatus, error) {
	var st protocol.DriverStatus
	err := d.call(ctx, http.MethodGet, protocol.PathDriverStatus, nil, &st)
	if err == nil && st.State == "" {
		err = fmt.Errorf("%w: %s: answer without a state", ErrDriver, protocol.PathDriverStatus)
	}
	return st, err
}

// executorLost tells the driver an executor's container ended.
func (d *driverClient) executorLost(ctx context.Context, req protocol.ExecutorLostRequest) error {
	return d.call(ctx, http.MethodPost, protocol.PathExecutorLost, req, nil)
}

// ack tells a finished driver the AM has seen its final state.
func (d *driverClient) ack(ctx context.Context) error {
	return d.call(ctx, http.MethodPost, protocol.PathDriverAck, struct{}{}, nil)
}

func (d *driverClient) call(ctx context.Context, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrDriver, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, body)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDriver, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if d.secret != "" {
		req.Header.Set("Authorization", "Bearer "+d.secret)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDriver, path, err)
	}
	defer resp.Body.Close()
	const maxBody = 1 << 20
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("%w: %s: reading the answer: %w", ErrDriver, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%w: %s: HTTP %d: %s", ErrDriver, path, resp.StatusCode, bytes.TrimSpace(b[:min(len(b), 200)]))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%w: %s: decoding the answer: %w", ErrDriver, path, err)
		}
	}
	return nil
}
