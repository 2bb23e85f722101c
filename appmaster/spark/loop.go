package spark

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

type execState int

const (
	execLaunching execState = iota
	execRunning
	execDone
)

// executor is one executor container the AM launched.
type executor struct {
	id    string
	c     rpc.Container
	state execState
}

type launchResult struct {
	id  api.ContainerID
	err error
}

type pollResult struct {
	gen int // of the poll: polls are numbered as they start
	st  protocol.DriverStatus
	err error
}

// loss is an executor that ended, waiting for a poll that shows the driver
// still running before it is reported and replaced.
type loss struct {
	req    protocol.ExecutorLostRequest
	tell   bool // the driver may know the executor
	counts bool // counts toward the max executor failures
	// seen is the last poll started when the loss was seen: only a later
	// poll's answer may release it.
	seen int
}

type endKind int

const (
	endDriver   endKind = iota // the driver's state is final
	endFailed                  // the AM fails the application
	endKilled                  // the context ended (SIGTERM)
	endShutdown                // AM_SHUTDOWN
	endRMLost                  // the heartbeat failed for good
)

type outcome struct {
	kind   endKind
	status api.FinalStatus
	diag   string
	err    error
}

// loop runs until the driver's state is final or the application must end
// for another reason.
func (a *sparkAM) loop(ctx, launchCtx context.Context, hb *appmaster.Heartbeater) outcome {
	var exited <-chan struct{}
	if a.driver != nil {
		exited = a.driver.done
	}
	a.startPoll()
	var pollTick <-chan time.Time
	for {
		select {
		case ev, ok := <-hb.Events():
			if !ok {
				if ctx.Err() != nil { // the heartbeat ended because we are stopping
					return outcome{kind: endKilled, status: api.FinalKilled, diag: "application master stopped", err: context.Cause(ctx)}
				}
				return a.heartbeatEnded(hb.Err())
			}
			a.onAllocated(launchCtx, ev.Allocated)
			a.onCompleted(ev.Completed)
			for _, n := range ev.UpdatedNodes {
				a.log.Info("node changed state", zap.String("node_id", n.NodeID.String()), zap.String("state", string(n.State)))
			}
		case r := <-a.launches:
			a.onLaunched(r)
		case <-pollTick:
			pollTick = nil
			a.startPoll()
		case r := <-a.polls:
			a.polling = false
			if out, done := a.onPoll(r); done {
				return out
			}
			pollTick = a.t.After(a.t.PollInterval)
		case <-exited:
			if a.polling { // a poll in flight may carry the final state
				r := <-a.polls
				a.polling = false
				if out, done := a.onPoll(r); done {
					return out
				}
			}
			if a.stoppedWithDriver(ctx) {
				return outcome{kind: endKilled, status: api.FinalKilled, diag: "application master stopped", err: context.Cause(ctx)}
			}
			diag := withTail("driver "+a.driver.describeExit()+" without reporting a final status", a.driver.stderrTail())
			a.log.Error("driver exited without a final status", zap.Int("exit_code", a.driver.exitCode()))
			return outcome{kind: endFailed, status: api.FinalFailed, diag: diag}
		case <-ctx.Done():
			return outcome{kind: endKilled, status: api.FinalKilled, diag: "application master stopped", err: context.Cause(ctx)}
		}
		if a.failures >= a.maxFailures {
			diag := fmt.Sprintf("Max number of executor failures (%d) reached", a.maxFailures)
			a.log.Error("too many executor failures", zap.Int("failures", a.failures), zap.String("last", a.lastFailure))
			return outcome{kind: endFailed, status: api.FinalFailed, diag: diag + "; last: " + a.lastFailure}
		}
		if a.pollNow && !a.polling {
			pollTick = nil
			a.startPoll() // replacements wait for a fresh answer
		}
	}
}

func (a *sparkAM) heartbeatEnded(err error) outcome {
	if errors.Is(err, appmaster.ErrShutdown) {
		a.log.Error("resource manager ordered shutdown: exiting without unregistering", zap.Error(err))
		return outcome{kind: endShutdown, status: api.FinalKilled, diag: "shut down by the resource manager", err: err}
	}
	if err == nil {
		err = errors.New("heartbeat loop ended")
	}
	a.log.Error("lost the resource manager", zap.Error(err))
	return outcome{kind: endRMLost, status: api.FinalFailed, diag: "application master failed: " + err.Error(), err: err}
}

// startPoll asks the driver for its status in the background; the answer
// comes on a.polls.
func (a *sparkAM) startPoll() {
	a.polling, a.pollNow = true, false
	a.pollGen++
	gen := a.pollGen
	a.calls.Add(1)
	go func() {
		defer a.calls.Done()
		st, err := a.dc.status(a.pollCtx)
		a.polls <- pollResult{gen: gen, st: st, err: err} // buffered: one poll at a time
	}()
}

// onPoll handles a status answer; done says the loop is over.
func (a *sparkAM) onPoll(r pollResult) (outcome, bool) {
	now := a.t.Now()
	if r.err != nil {
		if !a.unreachable {
			a.log.Warn("driver not answering", zap.String("driver_url", a.driverURL), zap.Error(r.err))
		}
		a.unreachable = true
		if a.driver == nil && now.Sub(a.lastContact) >= a.opts.DriverTimeout {
			diag := fmt.Sprintf("driver at %s disappeared: no answer for %s (%v)", a.driverURL, now.Sub(a.lastContact).Round(time.Millisecond), r.err)
			a.log.Error("driver disappeared", zap.String("diagnostics", diag))
			return outcome{kind: endFailed, status: api.FinalFailed, diag: diag}, true
		}
		return outcome{}, false // cluster mode: the process's state decides
	}
	if a.unreachable {
		a.log.Info("driver answering again")
	}
	a.unreachable, a.lastContact = false, now
	st := r.st
	if st.State != a.lastState {
		a.lastState = st.State
		a.log.Info("driver state", zap.String("state", string(st.State)),
			zap.Int("executors_registered", st.ExecutorsRegistered), zap.Int("executors_requested", st.ExecutorsRequested))
	}
	if st.State.Final() {
		status, diag := api.FinalSucceeded, ""
		if st.State == protocol.DriverFailed {
			status, diag = api.FinalFailed, strings.TrimSpace(st.Diagnostics)
			if diag == "" {
				diag = "driver reported FAILED without diagnostics"
			}
		}
		a.log.Info("driver finished", zap.String("state", string(st.State)), zap.String("diagnostics", diag))
		if n := len(a.pendingLoss); n > 0 {
			a.log.Info("executors ended after the driver finished: not replacing them", zap.Int("count", n))
		}
		return outcome{kind: endDriver, status: status, diag: diag}, true
	}
	a.flushLosses(r.gen)
	return outcome{}, false
}

// flushLosses reports the executors that ended before poll gen started to
// the running driver, counts failures and asks for replacements.
func (a *sparkAM) flushLosses(gen int) {
	var later []loss
	for _, l := range a.pendingLoss {
		if l.seen >= gen {
			later = append(later, l)
			continue
		}
		if l.tell {
			a.calls.Add(1)
			go func(req protocol.ExecutorLostRequest) {
				defer a.calls.Done()
				if err := a.dc.executorLost(a.callCtx, req); err != nil {
					a.log.Warn("could not tell the driver an executor was lost", zap.String("executor_id", req.ExecutorID), zap.Error(err))
				}
			}(l.req)
		}
		if l.counts {
			a.failures++
			a.lastFailure = fmt.Sprintf("executor %s (%s): %s", l.req.ExecutorID, l.req.ContainerID, l.req.Reason)
		}
		if a.failures >= a.maxFailures {
			continue
		}
		if err := a.deps.RM.AddRequest(ExecutorPriority, a.capability, 1); err != nil {
			a.log.Error("could not ask for a replacement executor", zap.Error(err))
			continue
		}
		a.log.Info("requesting a replacement executor", zap.String("for_executor_id", l.req.ExecutorID),
			zap.Int("failures", a.failures), zap.Int("max_failures", a.maxFailures))
	}
	a.pendingLoss = later
}

// onAllocated launches an executor in each container, up to N alive;
// containers beyond are released.
func (a *sparkAM) onAllocated(ctx context.Context, cs []rpc.Container) {
	for _, c := range cs {
		log := a.log.With(zap.String("container_id", c.ID.String()), zap.String("node_id", c.NodeID.String()))
		if a.alive() >= a.opts.NumExecutors {
			log.Info("releasing a container beyond the executors asked for")
			a.deps.RM.Release(c.ID)
			continue
		}
		a.nextID++
		e := &executor{id: strconv.Itoa(a.nextID), c: c}
		a.execs[c.ID] = e
		launch := a.opts.ExecutorLaunch(a.app, a.driverURL, e.id)
		log.Info("launching executor", zap.String("executor_id", e.id), zap.Stringer("resource", c.Resource),
			zap.Int("alive", a.alive()), zap.Int("wanted", a.opts.NumExecutors))
		a.launchWG.Add(1)
		go func() {
			defer a.launchWG.Done()
			err := a.deps.NM.StartContainer(ctx, c, launch)
			select {
			case a.launches <- launchResult{id: c.ID, err: err}:
			case <-ctx.Done():
			}
		}()
	}
}

func (a *sparkAM) alive() int {
	n := 0
	for _, e := range a.execs {
		if e.state != execDone {
			n++
		}
	}
	return n
}

func (a *sparkAM) onLaunched(r launchResult) {
	e := a.execs[r.id]
	if e == nil || e.state == execDone {
		return
	}
	log := a.log.With(zap.String("executor_id", e.id), zap.String("container_id", r.id.String()), zap.String("node_id", e.c.NodeID.String()))
	if r.err == nil {
		e.state = execRunning
		log.Info("executor launched")
		return
	}
	log.Error("executor could not be launched", zap.Error(r.err))
	e.state = execDone
	a.deps.RM.Release(r.id)
	a.pendingLoss = append(a.pendingLoss, loss{
		req:    protocol.ExecutorLostRequest{ExecutorID: e.id, ContainerID: r.id.String(), ExitStatus: api.ExitInvalid, Reason: "could not be launched: " + r.err.Error()},
		counts: true,
		seen:   a.pollGen,
	})
	a.pollNow = true
}

func (a *sparkAM) onCompleted(statuses []rpc.ContainerStatus) {
	for _, s := range statuses {
		e := a.execs[s.ContainerID]
		if e == nil || e.state == execDone {
			continue // released, or already accounted for
		}
		e.state = execDone
		reason := describeExit(s)
		fields := []zap.Field{zap.String("executor_id", e.id), zap.String("container_id", s.ContainerID.String()),
			zap.String("node_id", e.c.NodeID.String()), zap.Int("exit_status", s.ExitStatus), zap.String("reason", reason)}
		if s.ExitStatus == 0 {
			// An executor exits 0 only when its driver told it to stop:
			// ended, not lost (the driver may just not have said so yet).
			a.log.Info("executor exited", fields...)
		} else {
			a.log.Warn("executor lost", fields...)
		}
		a.pendingLoss = append(a.pendingLoss, loss{
			req:    protocol.ExecutorLostRequest{ExecutorID: e.id, ContainerID: s.ContainerID.String(), ExitStatus: s.ExitStatus, Reason: reason},
			tell:   true,
			counts: countsAsFailure(s.ExitStatus),
			seen:   a.pollGen,
		})
		a.pollNow = true
	}
}

// countsAsFailure says whether an executor's exit counts toward the max
// executor failures. As Spark's YarnAllocator, exits the application did not
// cause do not: preemption, kills by the RM or the AM, release, lost disks
// or node (ABORTED). Unlike Spark, exit 0 counts: a goyarn executor exits on
// its own only when its driver is done, and losses are only counted while
// the driver still runs.
func countsAsFailure(exit int) bool {
	switch exit {
	case api.ExitPreempted, api.ExitKilledByResourceManager, api.ExitKilledByAppMaster,
		api.ExitKilledAfterAppCompletion, api.ExitAborted, api.ExitDisksFailed:
		return false
	}
	return true
}

// describeExit is a container's end in words: "exited with code 1: …".
func describeExit(s rpc.ContainerStatus) string {
	what := fmt.Sprintf("exited with code %d", s.ExitStatus)
	if name := exitName(s.ExitStatus); name != "" {
		what += " (" + name + ")"
	}
	if d := strings.TrimSpace(s.Diagnostics); d != "" {
		what += ": " + d
	}
	return what
}

func exitName(code int) string {
	names := map[int]string{
		api.ExitAborted: "ABORTED", api.ExitDisksFailed: "DISKS_FAILED", api.ExitPreempted: "PREEMPTED",
		api.ExitKilledExceededVMem: "KILLED_EXCEEDED_VMEM", api.ExitKilledExceededPMem: "KILLED_EXCEEDED_PMEM",
		api.ExitKilledByAppMaster: "KILLED_BY_APPMASTER", api.ExitKilledByResourceManager: "KILLED_BY_RESOURCEMANAGER",
		api.ExitKilledAfterAppCompletion: "KILLED_AFTER_APP_COMPLETION",
	}
	return names[code]
}
