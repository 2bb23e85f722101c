package core

import (
	"context"
	"sync"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/resourcemanager/store"
)

// journal applies store writes one at a time in the order they were queued,
// off the core's lock. Queueing never blocks, so it may be done while holding
// the lock; a caller that needs durability waits on the returned channel
// after unlocking.
type journal struct {
	st  store.Store
	log *zap.Logger
	// onError is told about every failed write (a fenced store means another
	// RM is active).
	onError func(error)

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []journalOp
	closed bool
	done   chan struct{}
}

type journalOp struct {
	what string
	run  func(ctx context.Context, st store.Store) error
	done chan error
}

func newJournal(st store.Store, log *zap.Logger, onError func(error)) *journal {
	j := &journal{st: st, log: log, onError: onError, done: make(chan struct{})}
	j.cond = sync.NewCond(&j.mu)
	go j.loop()
	return j
}

// put queues a write; the channel receives its result.
func (j *journal) put(what string, run func(ctx context.Context, st store.Store) error) <-chan error {
	done := make(chan error, 1)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		done <- store.ErrClosed
		return done
	}
	j.queue = append(j.queue, journalOp{what: what, run: run, done: done})
	j.cond.Signal()
	return done
}

func (j *journal) loop() {
	defer close(j.done)
	for {
		j.mu.Lock()
		for len(j.queue) == 0 && !j.closed {
			j.cond.Wait()
		}
		if len(j.queue) == 0 {
			j.mu.Unlock()
			return
		}
		op := j.queue[0]
		j.queue[0] = journalOp{}
		j.queue = j.queue[1:]
		j.mu.Unlock()

		err := op.run(context.Background(), j.st)
		if err != nil {
			j.log.Error("state store write failed", zap.String("write", op.what), zap.Error(err))
			if j.onError != nil {
				j.onError(err)
			}
		}
		op.done <- err
	}
}

// close finishes the queued writes, then stops.
func (j *journal) close() {
	j.mu.Lock()
	j.closed = true
	j.cond.Signal()
	j.mu.Unlock()
	<-j.done
}

// wait blocks for a queued write's result or ctx.
func wait(ctx context.Context, ch <-chan error) error {
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
