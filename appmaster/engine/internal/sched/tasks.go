package sched

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// taskSet is one attempt of a stage: the tasks of its missing partitions.
type taskSet struct {
	job     *jobRun
	stage   *Stage
	index   int // the stage's index in its job
	stageID int
	attempt int
	zombie  bool // abandoned after a fetch failure: no retries, no launches
}

// task is one partition of a task set, across its attempts.
type task struct {
	set       *taskSet
	partition int
	failures  int
	launches  int
	failedOn  map[string]bool
}

// attempt is one launch of a task on an executor.
type attempt struct {
	id     int64
	task   *task
	exec   *executor
	cancel context.CancelFunc
	done   bool // its outcome has been handled
}

type eventKind int

const (
	evSuccess eventKind = iota
	evFailed            // the task failed for good: the job fails
	evFetchFailed
)

// event tells a job's loop how one of its tasks ended.
type event struct {
	kind      eventKind
	set       *taskSet
	partition int
	result    *wire.TaskResult
	err       error
}

// deliver hands events to their jobs' loops; events of finished jobs are
// dropped. It must be called without s.mu held.
func deliver(evs []event) {
	for _, ev := range evs {
		select {
		case ev.set.job.events <- ev:
		case <-ev.set.job.done:
		}
	}
}

func (t *task) live() bool {
	return !t.set.zombie && !t.set.job.finished && t.set.job.ctx.Err() == nil
}

// scheduleLocked fills free slots with queued tasks, one task per executor
// per round so that work spreads over the executors.
func (s *Scheduler) scheduleLocked() []event {
	if s.stopped {
		return nil
	}
	s.queue = slices.DeleteFunc(s.queue, func(t *task) bool { return !t.live() })
	var evs []event
	for progress := true; progress && len(s.queue) > 0; {
		progress = false
		for _, id := range s.order {
			ex := s.execs[id]
			if ex.free == 0 {
				continue
			}
			i := s.pickLocked(ex)
			if i < 0 {
				continue
			}
			t := s.queue[i]
			s.queue = slices.Delete(s.queue, i, i+1)
			evs = append(evs, s.launchLocked(t, ex)...)
			progress = true
		}
	}
	return evs
}

// pickLocked returns the index of the first queued task ex may run: one
// that has not failed on ex, unless it has failed on every executor.
func (s *Scheduler) pickLocked(ex *executor) int {
	for i, t := range s.queue {
		if !t.failedOn[ex.id] || s.failedEverywhereLocked(t) {
			return i
		}
	}
	return -1
}

func (s *Scheduler) failedEverywhereLocked(t *task) bool {
	for id := range s.execs {
		if !t.failedOn[id] {
			return false
		}
	}
	return true
}

// launchLocked starts t on ex. A task whose parent shuffle has missing
// outputs is not sent: it fails to fetch at once.
func (s *Scheduler) launchLocked(t *task, ex *executor) []event {
	st := t.set.stage
	var blocks []wire.BlockLoc
	if st.Parent >= 0 {
		for m, loc := range s.shuffles[st.Parent] {
			if loc == nil {
				ff := &wire.FetchFailure{ShuffleID: st.Parent, Map: m}
				return []event{{kind: evFetchFailed, set: t.set, partition: t.partition,
					result: &wire.TaskResult{Status: wire.StatusFetchFailed, FetchFailed: ff}}}
			}
			blocks = append(blocks, *loc)
		}
	}
	spec := st.Task(t.partition, blocks)
	s.nextTaskID++
	spec.TaskID = s.nextTaskID
	spec.JobID = t.set.job.id
	spec.StageID = t.set.stageID
	spec.StageAttempt = t.set.attempt
	spec.Partition = t.partition
	spec.Attempt = t.launches
	t.launches++
	if st.ShuffleID >= 0 {
		if s.launches[st.ShuffleID] == nil {
			s.launches[st.ShuffleID] = map[int]int{}
		}
		s.launches[st.ShuffleID][t.partition]++
	}
	ctx, cancel := context.WithCancel(t.set.job.ctx)
	a := &attempt{id: spec.TaskID, task: t, exec: ex, cancel: cancel}
	ex.free--
	ex.running[a.id] = a
	s.log.Debug("launching task", zap.Int("job_id", spec.JobID), zap.Int("stage_id", spec.StageID),
		zap.Int("partition", spec.Partition), zap.Int("attempt", spec.Attempt),
		zap.Int64("task_id", spec.TaskID), zap.String("executor_id", ex.id))
	go func() {
		res, err := s.send.RunTask(ctx, ex.addr, &spec)
		s.finish(a, ctx, res, err)
	}()
	return nil
}

// finish handles the outcome of an attempt.
func (s *Scheduler) finish(a *attempt, ctx context.Context, res *wire.TaskResult, err error) {
	defer a.cancel()
	s.mu.Lock()
	if a.done {
		s.mu.Unlock()
		return
	}
	a.done = true
	ex, t := a.exec, a.task
	ex.free++
	delete(ex.running, a.id)
	var evs []event
	switch {
	case err != nil && ctx.Err() != nil:
		// Cancelled by us: the job ended or the scheduler stopped.
	case err != nil && errors.Is(err, wire.ErrUnreachable):
		evs = s.taskFailedLocked(t, ex.id, fmt.Sprintf("executor %s lost: %v", ex.id, err))
		evs = append(evs, s.removeLocked(ex.id, err.Error())...)
	case err != nil:
		evs = s.taskFailedLocked(t, ex.id, err.Error())
	case res.Status == wire.StatusSuccess:
		if st := t.set.stage; st.ShuffleID >= 0 {
			if res.MapOutput == nil || len(s.shuffles[st.ShuffleID]) <= t.partition {
				evs = s.taskFailedLocked(t, ex.id, "map task answered without its output")
				break
			}
			s.shuffles[st.ShuffleID][t.partition] = &wire.BlockLoc{Map: t.partition, ExecutorID: ex.id, Addr: ex.addr, File: res.MapOutput.File}
		}
		evs = []event{{kind: evSuccess, set: t.set, partition: t.partition, result: res}}
	case res.Status == wire.StatusFetchFailed && res.FetchFailed != nil:
		ff := res.FetchFailed
		s.log.Warn("fetch failed", zap.Int("job_id", t.set.job.id), zap.Int("stage_id", t.set.stageID),
			zap.Int("partition", t.partition), zap.String("executor_id", ex.id),
			zap.Int("shuffle_id", ff.ShuffleID), zap.Int("map", ff.Map),
			zap.String("from_executor", ff.ExecutorID), zap.String("error", res.Error))
		s.forgetOutputsLocked(ff.ExecutorID, "fetch failed")
		evs = []event{{kind: evFetchFailed, set: t.set, partition: t.partition, result: res}}
	default:
		evs = s.taskFailedLocked(t, ex.id, res.Error)
	}
	evs = append(evs, s.scheduleLocked()...)
	s.mu.Unlock()
	deliver(evs)
}

// taskFailedLocked counts a failure of t on executor execID and re-queues
// it, or fails its job once it has failed MaxTaskFailures times.
func (s *Scheduler) taskFailedLocked(t *task, execID, msg string) []event {
	if !t.live() {
		return nil
	}
	t.failures++
	if t.failedOn == nil {
		t.failedOn = map[string]bool{}
	}
	t.failedOn[execID] = true
	fields := []zap.Field{zap.Int("job_id", t.set.job.id), zap.Int("stage_id", t.set.stageID),
		zap.Int("partition", t.partition), zap.Int("failures", t.failures),
		zap.String("executor_id", execID), zap.String("error", msg)}
	if t.failures >= s.cfg.MaxTaskFailures {
		s.log.Error("task failed too many times; aborting job", fields...)
		err := fmt.Errorf("%w: partition %d of stage %d failed %d times; last failure on executor %s: %s",
			ErrTaskFailed, t.partition, t.set.stageID, t.failures, execID, msg)
		return []event{{kind: evFailed, set: t.set, partition: t.partition, err: err}}
	}
	s.log.Warn("task failed; retrying", fields...)
	s.queue = append([]*task{t}, s.queue...)
	return nil
}

// removeLocked drops executor id: its running tasks fail (and are re-queued)
// and its map outputs are forgotten.
func (s *Scheduler) removeLocked(id, reason string) []event {
	ex := s.execs[id]
	delete(s.execs, id)
	s.order = slices.DeleteFunc(s.order, func(o string) bool { return o == id })
	var evs []event
	running := 0
	for _, a := range ex.running {
		a.done = true
		a.cancel()
		running++
		evs = append(evs, s.taskFailedLocked(a.task, id, fmt.Sprintf("executor %s lost: %s", id, reason))...)
	}
	ex.running = nil
	lost := s.forgetOutputsLocked(id, "")
	if !s.stopped {
		s.log.Warn("executor lost", zap.String("executor_id", id), zap.String("address", ex.addr),
			zap.String("reason", reason), zap.Int("running_tasks", running), zap.Int("map_outputs_lost", lost))
	}
	return evs
}

// forgetOutputsLocked forgets every map output held by executor id.
func (s *Scheduler) forgetOutputsLocked(id, why string) int {
	n := 0
	for sid, locs := range s.shuffles {
		for m, l := range locs {
			if l != nil && l.ExecutorID == id {
				locs[m] = nil
				n++
				if why != "" {
					s.log.Info("map output forgotten", zap.Int("shuffle_id", sid), zap.Int("map", m),
						zap.String("executor_id", id), zap.String("reason", why))
				}
			}
		}
	}
	return n
}
