package sched

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// Stage is a set of tasks, one per partition, that run the same pipeline.
type Stage struct {
	// ShuffleID ≥ 0 makes this a shuffle map stage writing that shuffle;
	// -1 makes it the job's result stage.
	ShuffleID  int
	Partitions int
	// Parent is the shuffle this stage reads, or -1.
	Parent int
	// Task builds the task of one partition; parent has one entry per map
	// partition of the Parent shuffle (none when Parent < 0). The scheduler
	// fills in the ids and attempt numbers.
	Task func(partition int, parent []wire.BlockLoc) wire.TaskSpec
}

// Job is what one action runs: Stages in dependency order, the last one the
// result stage.
type Job struct {
	Name   string
	Stages []*Stage
	// OnResult receives each result partition's outcome once, from the
	// goroutine running the job. An error fails the job.
	OnResult func(partition int, r *wire.TaskResult) error
}

type jobRun struct {
	id       int
	ctx      context.Context
	events   chan event
	done     chan struct{}
	finished bool // under Scheduler.mu
}

type outcome int

const (
	stageDone outcome = iota
	stageFetchFailed
)

// RunJob runs job to completion: it returns nil once every result partition
// was handed to OnResult, or the error that ended the job.
func (s *Scheduler) RunJob(ctx context.Context, job *Job) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return ErrStopped
	}
	s.nextJob++
	jr := &jobRun{id: s.nextJob, ctx: ctx, events: make(chan event, 64), done: make(chan struct{})}
	s.jobs[jr.id] = jr
	ids := make([]int, len(job.Stages))
	for i, st := range job.Stages {
		s.nextStage++
		ids[i] = s.nextStage
		if st.ShuffleID >= 0 && s.shuffles[st.ShuffleID] == nil {
			s.shuffles[st.ShuffleID] = make([]*wire.BlockLoc, st.Partitions)
		}
	}
	s.mu.Unlock()
	defer s.endJob(jr)

	start := time.Now()
	s.log.Info("job started", zap.Int("job_id", jr.id), zap.String("action", job.Name), zap.Int("stages", len(job.Stages)))
	resultDone := make([]bool, job.Stages[len(job.Stages)-1].Partitions)
	attempts := make([]int, len(job.Stages))
	fetchFailures := make([]int, len(job.Stages))
	for {
		idx, parts := s.nextWork(job, resultDone)
		if idx < 0 {
			s.log.Info("job finished", zap.Int("job_id", jr.id), zap.String("action", job.Name), zap.Duration("took", time.Since(start)))
			return nil
		}
		st := job.Stages[idx]
		ts := &taskSet{job: jr, stage: st, index: idx, stageID: ids[idx], attempt: attempts[idx]}
		attempts[idx]++
		fields := []zap.Field{zap.Int("job_id", jr.id), zap.Int("stage_id", ts.stageID), zap.Int("attempt", ts.attempt),
			zap.Int("tasks", len(parts)), zap.Int("partitions", st.Partitions)}
		if st.ShuffleID >= 0 {
			fields = append(fields, zap.Int("shuffle_id", st.ShuffleID))
		}
		if ts.attempt > 0 || len(parts) < st.Partitions {
			fields = append(fields, zap.Ints("missing", parts))
		}
		s.log.Info("stage submitted", fields...)
		stageStart := time.Now()
		s.submit(ts, parts)
		out, err := s.await(ts, parts, job, resultDone)
		if err != nil {
			s.log.Error("job failed", zap.Int("job_id", jr.id), zap.String("action", job.Name), zap.Error(err))
			return err
		}
		if out == stageFetchFailed {
			fetchFailures[idx]++
			s.log.Warn("stage attempt abandoned after a fetch failure; recomputing lost map outputs",
				zap.Int("job_id", jr.id), zap.Int("stage_id", ts.stageID), zap.Int("attempt", ts.attempt))
			if fetchFailures[idx] >= s.cfg.MaxStageAttempts {
				err := fmt.Errorf("%w: stage %d hit fetch failures in %d attempts in a row", ErrStageFailed, ts.stageID, fetchFailures[idx])
				s.log.Error("job failed", zap.Int("job_id", jr.id), zap.String("action", job.Name), zap.Error(err))
				return err
			}
			continue
		}
		fetchFailures[idx] = 0
		s.log.Info("stage finished", zap.Int("job_id", jr.id), zap.Int("stage_id", ts.stageID),
			zap.Int("attempt", ts.attempt), zap.Duration("took", time.Since(stageStart)))
	}
}

// nextWork picks what to run next: the missing partitions of the first
// shuffle map stage that has any, else the result partitions not done yet.
// idx < 0: the job is complete.
func (s *Scheduler) nextWork(job *Job, resultDone []bool) (idx int, parts []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	last := len(job.Stages) - 1
	for i, st := range job.Stages[:last] {
		for m, loc := range s.shuffles[st.ShuffleID] {
			if loc == nil {
				parts = append(parts, m)
			}
		}
		if len(parts) > 0 {
			return i, parts
		}
	}
	for p, done := range resultDone {
		if !done {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return -1, nil
	}
	return last, parts
}

func (s *Scheduler) submit(ts *taskSet, parts []int) {
	s.mu.Lock()
	for _, p := range parts {
		s.queue = append(s.queue, &task{set: ts, partition: p})
	}
	evs := s.scheduleLocked()
	s.mu.Unlock()
	// Called from the job's own goroutine, which is the one reading the
	// events: hand them over from another.
	if len(evs) > 0 {
		go deliver(evs)
	}
}

// await waits until every task of ts succeeded, or a fetch failure
// abandons it, or the job fails. Successes of earlier, abandoned attempts
// still count for the result stage.
func (s *Scheduler) await(ts *taskSet, parts []int, job *Job, resultDone []bool) (outcome, error) {
	remaining := make(map[int]bool, len(parts))
	for _, p := range parts {
		remaining[p] = true
	}
	idle := time.NewTicker(s.cfg.IdleWarning)
	defer idle.Stop()
	for len(remaining) > 0 {
		select {
		case ev := <-ts.job.events:
			switch ev.kind {
			case evSuccess:
				if ev.set.stage.ShuffleID < 0 && !resultDone[ev.partition] {
					if err := job.OnResult(ev.partition, ev.result); err != nil {
						return 0, err
					}
					resultDone[ev.partition] = true
				}
				if ev.set == ts {
					delete(remaining, ev.partition)
				}
			case evFailed:
				return 0, ev.err
			case evFetchFailed:
				if ev.set == ts {
					s.mu.Lock()
					ts.zombie = true
					s.mu.Unlock()
					return stageFetchFailed, nil
				}
			}
		case <-idle.C:
			if len(s.Executors()) == 0 {
				s.log.Warn("no executor to run tasks; waiting for executors to register",
					zap.Int("job_id", ts.job.id), zap.Int("stage_id", ts.stageID))
			}
		case <-ts.job.ctx.Done():
			return 0, ts.job.ctx.Err()
		case <-s.stopCh:
			return 0, ErrStopped
		}
	}
	return stageDone, nil
}

// endJob cancels whatever the job still runs and drops its queued tasks.
func (s *Scheduler) endJob(jr *jobRun) {
	s.mu.Lock()
	jr.finished = true
	close(jr.done)
	delete(s.jobs, jr.id)
	for _, ex := range s.execs {
		for _, a := range ex.running {
			if a.task.set.job == jr {
				a.cancel()
			}
		}
	}
	evs := s.scheduleLocked() // purges the job's queued tasks
	s.mu.Unlock()
	deliver(evs)
}
