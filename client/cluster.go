package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// Cluster paths.
const (
	pathCluster   = "/ws/v1/cluster"
	pathInfo      = pathCluster + "/info"
	pathMetrics   = pathCluster + "/metrics"
	pathScheduler = pathCluster + "/scheduler"
	pathApps      = pathCluster + "/apps"
	pathNodes     = pathCluster + "/nodes"
)

// getJSON GETs path from the active RM and decodes a 2xx answer into out.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) error {
	resp, err := c.call(ctx, request{method: http.MethodGet, path: path, query: q}, nil)
	if err != nil {
		return err
	}
	return decode(resp, out)
}

// sendJSON sends in (nil: no body) with method and decodes a 2xx answer
// into out (nil: ignore it). It returns the answer's status.
func (c *Client) sendJSON(ctx context.Context, method, path string, in, out any) (int, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return 0, fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
	}
	resp, err := c.call(ctx, request{method: method, path: path, body: body}, nil)
	if err != nil {
		return 0, err
	}
	return resp.status, decode(resp, out)
}

func decode(resp *response, out any) error {
	if err := errorIfNot2xx(resp); err != nil {
		return err
	}
	if out == nil || len(strings.TrimSpace(string(resp.body))) == 0 && resp.status == http.StatusAccepted {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("%w from %s: %v", ErrBadResponse, resp.addr, err)
	}
	return nil
}

// ClusterInfo returns the clusterInfo of the active RM. A standby answers
// /info itself, so the client asks every RM in turn until one says ACTIVE;
// when none does in one pass, it returns the first answer it got (a standby's).
func (c *Client) ClusterInfo(ctx context.Context) (yarn.ClusterInfo, error) {
	isActive := func(r *response) bool {
		var v yarn.ClusterInfoResponse
		return r.status/100 != 2 || json.Unmarshal(r.body, &v) != nil || v.ClusterInfo.HAState == api.HAActive
	}
	resp, err := c.call(ctx, request{method: http.MethodGet, path: pathInfo}, isActive)
	if err != nil {
		return yarn.ClusterInfo{}, err
	}
	var v yarn.ClusterInfoResponse
	err = decode(resp, &v)
	return v.ClusterInfo, err
}

// ClusterInfoAt asks the one RM at addr (host:port) for its clusterInfo,
// without failover or redirects: what `rmadmin -getServiceState` needs.
// A connection failure wraps ErrUnreachable.
func (c *Client) ClusterInfoAt(ctx context.Context, addr string) (yarn.ClusterInfo, error) {
	a, err := normalizeAddr(addr)
	if err != nil {
		return yarn.ClusterInfo{}, err
	}
	u := &url.URL{Scheme: "http", Host: a, Path: pathInfo, RawQuery: c.query(nil).Encode()}
	resp, err := c.send(ctx, http.MethodGet, u, nil)
	if err != nil {
		if ctx.Err() != nil {
			return yarn.ClusterInfo{}, ctx.Err()
		}
		return yarn.ClusterInfo{}, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	var v yarn.ClusterInfoResponse
	err = decode(resp, &v)
	return v.ClusterInfo, err
}

// Metrics returns the cluster metrics.
func (c *Client) Metrics(ctx context.Context) (yarn.ClusterMetrics, error) {
	var v yarn.ClusterMetricsResponse
	err := c.getJSON(ctx, pathMetrics, nil, &v)
	return v.ClusterMetrics, err
}

// Scheduler returns the scheduler's root queue information.
func (c *Client) Scheduler(ctx context.Context) (yarn.CapacitySchedulerInfo, error) {
	var v yarn.SchedulerResponse
	err := c.getJSON(ctx, pathScheduler, nil, &v)
	return v.Scheduler.SchedulerInfo, err
}

// Nodes lists the cluster's nodes in the given states (all nodes when none
// is given).
func (c *Client) Nodes(ctx context.Context, states ...api.NodeState) ([]yarn.Node, error) {
	q := url.Values{}
	if len(states) > 0 {
		q.Set("states", joinStates(states))
	}
	var v yarn.NodesResponse
	err := c.getJSON(ctx, pathNodes, q, &v)
	return v.Nodes.Node, err
}

// Node returns one node; an unknown node is a 404 RemoteException.
func (c *Client) Node(ctx context.Context, id api.NodeID) (yarn.Node, error) {
	var v yarn.NodeResponse
	err := c.getJSON(ctx, pathNodes+"/"+url.PathEscape(id.String()), nil, &v)
	return v.Node, err
}

func joinStates[S ~string](states []S) string {
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}
