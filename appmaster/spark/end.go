package spark

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster"
)

// windDown ends the run: no more executors, every executor stopped, the
// driver acked (its state was final) or stopped, then the final status to
// the RM — except after SIGTERM or AM_SHUTDOWN, when the AM exits without
// unregistering so that the RM may start a new attempt.
func (a *sparkAM) windDown(ctx context.Context, out outcome, hb *appmaster.Heartbeater, stopLaunches context.CancelFunc) (Result, error) {
	bg := context.WithoutCancel(ctx)
	if out.kind == endDriver || out.kind == endFailed {
		if err := a.deps.RM.SetRequest(ExecutorPriority, a.capability, 0); err != nil {
			a.log.Warn("could not withdraw the executor requests", zap.Error(err))
		}
	}
	stopLaunches()
	a.launchWG.Wait()
	stopped := a.stopExecutors(bg)
	if out.kind == endDriver {
		<-stopped
		if err := a.dc.ack(a.callCtx); err != nil {
			a.log.Warn("could not ack the driver's final state", zap.Error(err))
		}
		a.awaitDriverExit()
	} else {
		a.stopDriver()
		<-stopped
	}
	a.cancelPolls()
	if out.kind == endKilled || out.kind == endShutdown {
		a.cancelCalls() // executor-lost reports: only when in a hurry
	}
	a.calls.Wait()
	hb.Stop()

	switch out.kind {
	case endKilled:
		a.log.Warn("stopped: exiting without unregistering", zap.Error(out.err))
		return Result{FinalStatus: out.status, Diagnostics: out.diag}, fmt.Errorf("stopped: %w", out.err)
	case endShutdown:
		return Result{FinalStatus: out.status, Diagnostics: out.diag}, out.err
	case endRMLost:
		fctx, cancel := context.WithTimeout(bg, a.t.FinishTimeout)
		defer cancel()
		res, err := a.finish(fctx, out.status, out.diag)
		return res, errors.Join(out.err, err)
	}
	if out.status == api.FinalSucceeded {
		a.log.Info("application succeeded")
	} else {
		a.log.Error("application failed", zap.String("diagnostics", out.diag))
	}
	return a.finish(ctx, out.status, out.diag)
}

// stopExecutors asks the NMs to stop every executor container not known to
// have ended; one the NM does not stop is released through the RM. The
// channel is closed when every call returned (bounded by StopTimeout).
func (a *sparkAM) stopExecutors(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	var live []*executor
	for _, e := range a.execs {
		if e.state != execDone {
			live = append(live, e)
		}
	}
	if len(live) == 0 {
		close(done)
		return done
	}
	a.log.Info("stopping executors", zap.Int("count", len(live)))
	ctx, cancel := context.WithTimeout(ctx, a.t.StopTimeout)
	var wg sync.WaitGroup
	for _, e := range live {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log := a.log.With(zap.String("executor_id", e.id), zap.String("container_id", e.c.ID.String()), zap.String("node_id", e.c.NodeID.String()))
			if err := a.deps.NM.StopContainer(ctx, e.c); err != nil {
				log.Warn("could not stop executor: releasing its container", zap.Error(err))
				a.deps.RM.Release(e.c.ID)
				return
			}
			log.Info("executor stopped")
		}()
	}
	go func() {
		wg.Wait()
		cancel()
		close(done)
	}()
	return done
}

// awaitDriverExit waits (bounded) for an acked cluster-mode driver to
// exit, then stops it.
func (a *sparkAM) awaitDriverExit() {
	if a.driver == nil {
		return
	}
	select {
	case <-a.driver.done:
	case <-a.t.After(a.t.DriverExitWait):
		a.log.Warn("driver did not exit after the ack", zap.Duration("waited", a.t.DriverExitWait))
		a.stopDriver()
	}
	a.log.Info("driver ended", zap.Int("pid", a.driver.pid()), zap.String("how", a.driver.describeExit()))
}
