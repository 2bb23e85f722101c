package appmaster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
)

// NMConfig tunes an NMClient.
type NMConfig struct {
	// Timeout bounds one HTTP exchange with an NM.
	Timeout time.Duration
	// MaxWait is how long a call keeps retrying an NM that does not answer
	// (0: one try). A start is not retried by default: the NM may have
	// taken the first one.
	MaxWait time.Duration
}

// DefaultNMConfig: 30 s per exchange, one try.
func DefaultNMConfig() NMConfig { return NMConfig{Timeout: 30 * time.Second} }

// NMClient starts, stops and queries containers on the NodeManagers that
// hold them. The NM's RPC address is the container's NodeID; the container
// token the RM issued is the credential. One connection pool per NM is kept
// and reused. It is safe for concurrent use.
type NMClient struct {
	cfg NMConfig
	log *zap.Logger

	mu      sync.Mutex
	clients map[api.NodeID]*rpc.Client
}

// NewNMClient returns an NMClient; zero cfg fields take the defaults and
// log may be nil.
func NewNMClient(cfg NMConfig, log *zap.Logger) *NMClient {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultNMConfig().Timeout
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &NMClient{cfg: cfg, log: log.Named("am.nmclient"), clients: map[api.NodeID]*rpc.Client{}}
}

// Close releases every NM connection.
func (n *NMClient) Close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for id, c := range n.clients {
		c.Close()
		delete(n.clients, id)
	}
}

func (n *NMClient) client(node api.NodeID) (*rpc.Client, error) {
	if node.IsZero() {
		return nil, errors.New("container has no node id")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if c, ok := n.clients[node]; ok {
		return c, nil
	}
	c, err := rpc.NewClient([]string{node.String()}, rpc.Options{Timeout: n.cfg.Timeout, MaxWait: n.cfg.MaxWait, BackoffBase: 100 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	n.clients[node] = c
	return c, nil
}

// StartContainer asks the container's NM to start it with launch. The error
// wraps ErrContainerStart when the NM refused (its reason included).
func (n *NMClient) StartContainer(ctx context.Context, c rpc.Container, launch api.LaunchContext) error {
	rc, err := n.client(c.NodeID)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrContainerStart, c.ID, err)
	}
	req := rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{Token: c.Token, Launch: launch}}}
	var resp rpc.StartContainersResponse
	if err := rc.Call(ctx, rpc.PathContainersStart, req, &resp); err != nil {
		return fmt.Errorf("%w: %s on %s: %w", ErrContainerStart, c.ID, c.NodeID, err)
	}
	if msg, failed := failure(resp.Failed, c.ID); failed {
		return fmt.Errorf("%w: %s on %s: %s", ErrContainerStart, c.ID, c.NodeID, msg)
	}
	if !slices.Contains(resp.Started, c.ID) {
		return fmt.Errorf("%w: %s on %s: the node manager did not report it started", ErrContainerStart, c.ID, c.NodeID)
	}
	n.log.Debug("container started", zap.String("container_id", c.ID.String()), zap.String("node_id", c.NodeID.String()))
	return nil
}

// StopContainer asks the container's NM to stop it (grace, then kill). The
// error wraps ErrContainerStop when the NM refused.
func (n *NMClient) StopContainer(ctx context.Context, c rpc.Container) error {
	rc, err := n.client(c.NodeID)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrContainerStop, c.ID, err)
	}
	var resp rpc.StopContainersResponse
	if err := rc.Call(ctx, rpc.PathContainersStop, rpc.ContainersRequest{Tokens: []security.ContainerToken{c.Token}}, &resp); err != nil {
		return fmt.Errorf("%w: %s on %s: %w", ErrContainerStop, c.ID, c.NodeID, err)
	}
	if msg, failed := failure(resp.Failed, c.ID); failed {
		return fmt.Errorf("%w: %s on %s: %s", ErrContainerStop, c.ID, c.NodeID, msg)
	}
	return nil
}

// Status asks the container's NM for its status. The error wraps
// ErrContainerStatus when the NM does not know it.
func (n *NMClient) Status(ctx context.Context, c rpc.Container) (rpc.ContainerStatus, error) {
	rc, err := n.client(c.NodeID)
	if err != nil {
		return rpc.ContainerStatus{}, fmt.Errorf("%w: %s: %w", ErrContainerStatus, c.ID, err)
	}
	var resp rpc.ContainerStatusesResponse
	if err := rc.Call(ctx, rpc.PathContainersStatus, rpc.ContainersRequest{Tokens: []security.ContainerToken{c.Token}}, &resp); err != nil {
		return rpc.ContainerStatus{}, fmt.Errorf("%w: %s on %s: %w", ErrContainerStatus, c.ID, c.NodeID, err)
	}
	if msg, failed := failure(resp.Failed, c.ID); failed {
		return rpc.ContainerStatus{}, fmt.Errorf("%w: %s on %s: %s", ErrContainerStatus, c.ID, c.NodeID, msg)
	}
	for _, s := range resp.Statuses {
		if s.ContainerID == c.ID {
			return s, nil
		}
	}
	return rpc.ContainerStatus{}, fmt.Errorf("%w: %s on %s: not in the node manager's answer", ErrContainerStatus, c.ID, c.NodeID)
}

func failure(errs []rpc.ContainerError, id api.ContainerID) (string, bool) {
	var msgs []string
	for _, e := range errs {
		if e.ContainerID == id || e.ContainerID.IsZero() {
			msgs = append(msgs, e.Error)
		}
	}
	return strings.Join(msgs, "; "), len(msgs) > 0
}
