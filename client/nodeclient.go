package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// NodeOptions tune a NodeClient.
type NodeOptions struct {
	User      string        // sent as user.name
	AuthToken string        // sent as a bearer token when set
	Timeout   time.Duration // connecting and waiting for headers (default 10 s)
}

// NodeClient calls one NodeManager's REST API (/ws/v1/node/...). There is
// no failover: a connection failure wraps ErrUnreachable.
type NodeClient struct {
	base string // http://host:port
	opts NodeOptions
	http *http.Client
}

// NewNodeClient returns a client for the NM whose web address is
// httpAddress (host:port or http://host:port, as the RM's
// node.nodeHTTPAddress and container.nodeHttpAddress give it).
func NewNodeClient(httpAddress string, opts NodeOptions) (*NodeClient, error) {
	addr, err := normalizeAddr(strings.TrimSpace(httpAddress))
	if err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	hc := newHTTPClient(0, opts.Timeout) // no overall timeout: logs may be long
	hc.Transport.(*http.Transport).ResponseHeaderTimeout = opts.Timeout
	return &NodeClient{base: "http://" + addr, opts: opts, http: hc}, nil
}

// Address returns the NM's web address (http://host:port).
func (n *NodeClient) Address() string { return n.base }

// Close releases idle connections.
func (n *NodeClient) Close() { n.http.CloseIdleConnections() }

func (n *NodeClient) open(ctx context.Context, path string, q url.Values) (*http.Response, error) {
	if q == nil {
		q = url.Values{}
	}
	if n.opts.User != "" {
		q.Set("user.name", n.opts.User)
	}
	u := n.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if n.opts.AuthToken != "" {
		req.Header.Set("Authorization", "Bearer "+n.opts.AuthToken)
	}
	res, err := n.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: NodeManager %s: %w", ErrUnreachable, n.base, err)
	}
	if res.StatusCode/100 != 2 {
		defer res.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		return nil, remoteError(res.StatusCode, body)
	}
	return res, nil
}

func (n *NodeClient) getJSON(ctx context.Context, path string, out any) error {
	res, err := n.open(ctx, path, nil)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, MaxResponseBytes))
	if err != nil {
		return fmt.Errorf("%w: NodeManager %s: %w", ErrUnreachable, n.base, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%w from NodeManager %s: %v", ErrBadResponse, n.base, err)
	}
	return nil
}

// Info returns the NM's nodeInfo.
func (n *NodeClient) Info(ctx context.Context) (yarn.NodeInfo, error) {
	var v yarn.NodeInfoResponse
	err := n.getJSON(ctx, "/ws/v1/node/info", &v)
	return v.NodeInfo, err
}

// NodeApp returns the ids of an application's containers on this node; an
// application the node does not know has none (nil, nil).
func (n *NodeClient) NodeApp(ctx context.Context, id api.ApplicationID) ([]api.ContainerID, error) {
	var v yarn.NMAppResponse
	if err := n.getJSON(ctx, "/ws/v1/node/apps/"+id.String(), &v); err != nil {
		if IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return v.App.ContainerIDs, nil
}

// Container returns a container as the NM reports it.
func (n *NodeClient) Container(ctx context.Context, id api.ContainerID) (yarn.NMContainer, error) {
	var v yarn.NMContainerResponse
	err := n.getJSON(ctx, "/ws/v1/node/containers/"+id.String(), &v)
	return v.Container, err
}

// ContainerLogFiles lists a container's log files with their sizes and
// modification times (/ws/v1/node/containers/{id}/logs), by name.
func (n *NodeClient) ContainerLogFiles(ctx context.Context, id api.ContainerID) ([]yarn.ContainerLogFile, error) {
	var v yarn.ContainerLogsResponse
	if err := n.getJSON(ctx, "/ws/v1/node/containers/"+id.String()+"/logs", &v); err != nil {
		return nil, err
	}
	var out []yarn.ContainerLogFile
	seen := map[string]bool{}
	for _, info := range v.ContainerLogsInfo {
		for _, f := range info.ContainerLogInfo {
			if !seen[f.FileName] {
				seen[f.FileName] = true
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// OpenContainerLog opens one of a container's log files
// (/ws/v1/node/containerlogs/{id}/{file}). size selects, as YARN's -size:
// 0 the whole file, N > 0 its first N bytes, N < 0 its last -N bytes. It
// returns the body and its length (-1 when the NM did not say).
func (n *NodeClient) OpenContainerLog(ctx context.Context, id api.ContainerID, file string, size int64) (io.ReadCloser, int64, error) {
	if file == "" || strings.ContainsAny(file, "/\\") || file == "." || file == ".." {
		return nil, 0, fmt.Errorf("%w: log file name %q", ErrBadResponse, file)
	}
	var q url.Values
	if size != 0 {
		q = url.Values{"size": {strconv.FormatInt(size, 10)}}
	}
	res, err := n.open(ctx, "/ws/v1/node/containerlogs/"+id.String()+"/"+url.PathEscape(file), q)
	if err != nil {
		return nil, 0, err
	}
	return res.Body, res.ContentLength, nil
}

// ContainerLog copies a whole log file of a container to w and returns the
// number of bytes copied.
func (n *NodeClient) ContainerLog(ctx context.Context, id api.ContainerID, file string, w io.Writer) (int64, error) {
	body, _, err := n.OpenContainerLog(ctx, id, file, 0)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	copied, err := io.Copy(w, body)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("%w: NodeManager %s: reading %s of %s: %w", ErrUnreachable, n.base, file, id, err)
	}
	return copied, err
}
