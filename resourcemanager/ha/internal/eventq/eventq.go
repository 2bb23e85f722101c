package eventq

import (
	"sync"

	"github.com/goyarn/goyarn/resourcemanager/ha"
)

// Queue is an unbounded, ordered event channel.
type Queue struct {
	mu      sync.Mutex
	pending []ha.Event
	closed  bool

	kick chan struct{}
	out  chan ha.Event
	stop chan struct{}
	done chan struct{}
}

// New starts a queue's delivery goroutine; Close stops it.
func New() *Queue {
	q := &Queue{kick: make(chan struct{}, 1), out: make(chan ha.Event), stop: make(chan struct{}), done: make(chan struct{})}
	go q.run()
	return q
}

// C is the channel events are delivered on; Close closes it.
func (q *Queue) C() <-chan ha.Event { return q.out }

// Push queues ev; it never blocks. Events pushed after Close are dropped.
func (q *Queue) Push(ev ha.Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.pending = append(q.pending, ev)
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// Close stops delivery, drops undelivered events and closes C.
func (q *Queue) Close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	q.mu.Unlock()
	close(q.stop)
	<-q.done
	close(q.out)
}

func (q *Queue) run() {
	defer close(q.done)
	for {
		q.mu.Lock()
		var ev ha.Event
		have := len(q.pending) > 0
		if have {
			ev = q.pending[0]
		}
		q.mu.Unlock()
		if !have {
			select {
			case <-q.kick:
				continue
			case <-q.stop:
				return
			}
		}
		select {
		case q.out <- ev:
			q.mu.Lock()
			q.pending[0] = ha.Event{}
			q.pending = q.pending[1:]
			q.mu.Unlock()
		case <-q.stop:
			return
		}
	}
}
