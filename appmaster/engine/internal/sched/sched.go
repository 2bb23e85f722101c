package sched

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// Errors a job can end with.
var (
	// ErrTaskFailed: a task failed MaxTaskFailures times.
	ErrTaskFailed = errors.New("task failed")
	// ErrStageFailed: a stage hit fetch failures MaxStageAttempts times in a row.
	ErrStageFailed = errors.New("stage failed")
	// ErrStopped: the scheduler was stopped while the job ran.
	ErrStopped = errors.New("scheduler stopped")
)

// Sender runs a task on an executor.
type Sender interface {
	// RunTask runs spec on the executor at addr and returns its result. An
	// error wrapping wire.ErrUnreachable means the executor could not be
	// reached or the connection broke: the executor is then removed.
	RunTask(ctx context.Context, addr string, spec *wire.TaskSpec) (*wire.TaskResult, error)
}

// Config tunes a Scheduler.
type Config struct {
	MaxTaskFailures  int // attempts per task before the job fails (default 4)
	MaxStageAttempts int // consecutive fetch-failed attempts of a stage (default 4)
	Logger           *zap.Logger
	Now              func() time.Time
	// IdleWarning is how often a job with queued tasks and no executor
	// says so in the log (default 30 s).
	IdleWarning time.Duration
}

// ExecutorInfo describes a registered executor.
type ExecutorInfo struct {
	ID      string
	Addr    string
	Cores   int
	Running int
}

// Scheduler schedules the tasks of jobs on executors. Its methods are safe
// for concurrent use.
type Scheduler struct {
	cfg    Config
	send   Sender
	log    *zap.Logger
	stopCh chan struct{}

	mu         sync.Mutex
	execs      map[string]*executor
	order      []string // registration order: round-robin over it
	queue      []*task
	shuffles   map[int][]*wire.BlockLoc // map output tracker
	launches   map[int]map[int]int      // shuffle id → map partition → launches
	jobs       map[int]*jobRun
	nextTaskID int64
	nextJob    int
	nextStage  int
	stopped    bool
}

type executor struct {
	id, addr    string
	cores, free int
	running     map[int64]*attempt
	lastSeen    time.Time
}

// New returns a scheduler that runs tasks through send.
func New(cfg Config, send Sender) *Scheduler {
	if cfg.MaxTaskFailures <= 0 {
		cfg.MaxTaskFailures = 4
	}
	if cfg.MaxStageAttempts <= 0 {
		cfg.MaxStageAttempts = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IdleWarning <= 0 {
		cfg.IdleWarning = 30 * time.Second
	}
	return &Scheduler{
		cfg: cfg, send: send, log: cfg.Logger, stopCh: make(chan struct{}),
		execs: map[string]*executor{}, shuffles: map[int][]*wire.BlockLoc{},
		launches: map[int]map[int]int{}, jobs: map[int]*jobRun{},
	}
}

// AddExecutor makes an executor available for tasks. An executor that
// registers again under a known id replaces the old one, which is removed
// as lost first; replaced reports that.
func (s *Scheduler) AddExecutor(id, addr string, cores int) (replaced bool) {
	s.mu.Lock()
	var evs []event
	if _, ok := s.execs[id]; ok {
		evs = s.removeLocked(id, "registered again")
		replaced = true
	}
	s.execs[id] = &executor{id: id, addr: addr, cores: cores, free: cores,
		running: map[int64]*attempt{}, lastSeen: s.cfg.Now()}
	s.order = append(s.order, id)
	evs = append(evs, s.scheduleLocked()...)
	s.mu.Unlock()
	deliver(evs)
	return replaced
}

// RemoveExecutor removes a lost executor: its running tasks are re-queued
// and its map outputs forgotten. It reports whether the executor was known.
func (s *Scheduler) RemoveExecutor(id, reason string) bool {
	s.mu.Lock()
	_, ok := s.execs[id]
	var evs []event
	if ok {
		evs = s.removeLocked(id, reason)
		evs = append(evs, s.scheduleLocked()...)
	}
	s.mu.Unlock()
	deliver(evs)
	return ok
}

// Heartbeat records that executor id is alive; false when it is unknown.
func (s *Scheduler) Heartbeat(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ex, ok := s.execs[id]
	if ok {
		ex.lastSeen = s.cfg.Now()
	}
	return ok
}

// ExpireExecutors removes the executors not heard from within timeout and
// returns their ids.
func (s *Scheduler) ExpireExecutors(timeout time.Duration) []string {
	s.mu.Lock()
	now := s.cfg.Now()
	var gone []string
	var evs []event
	for _, id := range slices.Clone(s.order) {
		if now.Sub(s.execs[id].lastSeen) > timeout {
			gone = append(gone, id)
			evs = append(evs, s.removeLocked(id, "no heartbeat within "+timeout.String())...)
		}
	}
	if len(gone) > 0 {
		evs = append(evs, s.scheduleLocked()...)
	}
	s.mu.Unlock()
	deliver(evs)
	return gone
}

// Executors lists the registered executors in registration order.
func (s *Scheduler) Executors() []ExecutorInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ExecutorInfo, 0, len(s.order))
	for _, id := range s.order {
		ex := s.execs[id]
		out = append(out, ExecutorInfo{ID: id, Addr: ex.addr, Cores: ex.cores, Running: len(ex.running)})
	}
	return out
}

// TotalCores is the sum of the registered executors' cores.
func (s *Scheduler) TotalCores() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ex := range s.execs {
		n += ex.cores
	}
	return n
}

// MapOutputs returns where each map output of shuffle id lives (nil where
// it is missing).
func (s *Scheduler) MapOutputs(shuffleID int) []*wire.BlockLoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*wire.BlockLoc, len(s.shuffles[shuffleID]))
	for i, l := range s.shuffles[shuffleID] {
		if l != nil {
			c := *l
			out[i] = &c
		}
	}
	return out
}

// Launches returns how many times each map partition of shuffle id was
// launched.
func (s *Scheduler) Launches(shuffleID int) map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]int{}
	for p, n := range s.launches[shuffleID] {
		out[p] = n
	}
	return out
}

// Stop cancels every running task and makes running jobs fail with
// ErrStopped. Executors stay registered.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.stopped = true
	close(s.stopCh)
	s.queue = nil
	for _, ex := range s.execs {
		for _, a := range ex.running {
			a.cancel()
		}
	}
}
