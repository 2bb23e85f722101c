// Package amlauncher starts application-master containers on NodeManagers
// for the RM, as YARN's AMLauncher does: the core hands it a launch request
// without blocking, a small pool of workers calls the NM's start RPC with the
// RM-signed container token, and the outcome goes back to the core.
//
// It knows the NM RPC contract (api/rpc) and nothing of the core's state.
package amlauncher

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/resourcemanager/core"
)

// ReportFunc receives the outcome of one launch: err is nil when the NM
// accepted the container.
type ReportFunc func(attempt api.AttemptID, container api.ContainerID, err error)

// Launcher runs AM launches on a fixed pool of workers.
type Launcher struct {
	log     *zap.Logger
	report  ReportFunc
	timeout time.Duration

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []core.LaunchRequest
	stopped bool
	clients map[string]*rpc.Client
	wg      sync.WaitGroup
}

// New starts a launcher with workers goroutines. report may be set later
// with SetReport, but before the first launch.
func New(log *zap.Logger, workers int, timeout time.Duration) *Launcher {
	if log == nil {
		log = zap.NewNop()
	}
	l := &Launcher{log: log.Named("amlauncher"), timeout: timeout, clients: map[string]*rpc.Client{}}
	l.cond = sync.NewCond(&l.mu)
	for range max(workers, 1) {
		l.wg.Add(1)
		go l.work()
	}
	return l
}

// SetReport sets where outcomes go.
func (l *Launcher) SetReport(f ReportFunc) {
	l.mu.Lock()
	l.report = f
	l.mu.Unlock()
}

// Launch implements core.Launcher; it never blocks.
func (l *Launcher) Launch(req core.LaunchRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	l.queue = append(l.queue, req)
	l.cond.Signal()
}

// Reset abandons queued launches (the RM stopped being active).
func (l *Launcher) Reset() {
	l.mu.Lock()
	l.queue = nil
	l.mu.Unlock()
}

// Stop abandons queued launches and waits for the workers.
func (l *Launcher) Stop() {
	l.mu.Lock()
	l.stopped = true
	l.queue = nil
	l.cond.Broadcast()
	l.mu.Unlock()
	l.wg.Wait()
	l.mu.Lock()
	for _, c := range l.clients {
		c.Close()
	}
	l.mu.Unlock()
}

func (l *Launcher) work() {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		for len(l.queue) == 0 && !l.stopped {
			l.cond.Wait()
		}
		if l.stopped {
			l.mu.Unlock()
			return
		}
		req := l.queue[0]
		l.queue = l.queue[1:]
		report := l.report
		l.mu.Unlock()

		err := l.launch(req)
		if err != nil {
			l.log.Warn("AM launch failed", zap.String("container_id", req.Container.ID.String()),
				zap.String("node_id", req.Container.NodeID.String()), zap.Error(err))
		} else {
			l.log.Info("AM container launched", zap.String("container_id", req.Container.ID.String()),
				zap.String("node_id", req.Container.NodeID.String()))
		}
		if report != nil {
			report(req.Attempt, req.Container.ID, err)
		}
	}
}

func (l *Launcher) client(addr string) (*rpc.Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.clients[addr]; c != nil {
		return c, nil
	}
	c, err := rpc.NewClient([]string{addr}, rpc.Options{Timeout: l.timeout})
	if err != nil {
		return nil, err
	}
	l.clients[addr] = c
	return c, nil
}

func (l *Launcher) launch(req core.LaunchRequest) error {
	c, err := l.client(req.Container.NodeID.String())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	var resp rpc.StartContainersResponse
	err = c.Call(ctx, rpc.PathContainersStart, rpc.StartContainersRequest{
		Containers: []rpc.StartContainerRequest{{Token: req.Container.Token, Launch: req.Launch}},
	}, &resp)
	if err != nil {
		return err
	}
	if len(resp.Failed) > 0 {
		var msgs []string
		for _, f := range resp.Failed {
			msgs = append(msgs, f.Error)
		}
		return fmt.Errorf("NodeManager %s refused the container: %s", req.Container.NodeID, strings.Join(msgs, "; "))
	}
	return nil
}
