package zk

import (
	"context"
	"errors"
	"time"

	"github.com/goyarn/goyarn/resourcemanager/ha/zkconn"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// retry runs fn until it succeeds, fails for good, the store is closed,
// or ctx ends; transient ZooKeeper errors are retried with back-off from
// 50 ms to 1 s. (After Close, go-zookeeper answers every request with
// ErrConnectionClosed, which would otherwise look transient.)
func (s *Store) retry(ctx context.Context, fn func() error) error {
	wait := 50 * time.Millisecond
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.isClosed() {
			return store.ErrClosed
		}
		err := fn()
		if !zkconn.Transient(err) {
			return err
		}
		if perr := pause(ctx, wait); perr != nil {
			return errors.Join(perr, err)
		}
		wait = min(2*wait, time.Second)
	}
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

var _ store.Store = (*Store)(nil)
