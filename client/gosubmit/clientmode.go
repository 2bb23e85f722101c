package gosubmit

import (
	"context"
	"errors"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

// runClient runs the driver here, as a child process, and submits an AM
// that only launches executors for it (Spark's ExecutorLauncher).
func (r *runner) runClient(ctx context.Context) error {
	id, err := r.prepare(ctx)
	if err != nil {
		return err
	}
	res, err := r.stageFiles(ctx, id)
	if err != nil {
		return err
	}
	d, err := r.startDriver(id)
	if err != nil {
		r.con.errorf("%v", err)
		r.cleanup(id)
		return failed(ExitFailed)
	}
	defer d.remove()
	r.con.infof("Started the driver %s (pid %d)", r.sp.binary.path, d.cmd.Process.Pid)
	info, err := d.waitInfo(ctx, r.o.DriverStartTimeout)
	if err != nil {
		return r.driverNotStarted(ctx, id, d, err)
	}
	r.con.infof("The driver is listening on %s", info.URL)
	if err := r.submit(ctx, r.sp.submission(id, res, info.URL)); err != nil {
		if ctx.Err() != nil { // the submission may have reached the RM
			return r.interruptClient(ctx, id, d)
		}
		d.stop(r.o.DriverStopGrace)
		return err
	}
	return r.superviseClient(ctx, id, d)
}

// driverNotStarted ends a run whose driver never got to serve: nothing was
// submitted.
func (r *runner) driverNotStarted(ctx context.Context, id api.ApplicationID, d *driver, err error) error {
	d.stop(r.o.DriverStopGrace)
	r.cleanup(id)
	switch {
	case ctx.Err() != nil:
		r.con.warnf("Interrupted before application %s was submitted", id)
		return failed(ExitInterrupted)
	case errors.Is(err, errDriverExited):
		r.con.errorf("The driver exited with code %d before it started listening; application %s was not submitted", d.code, id)
		if d.code > 0 {
			return failed(d.code)
		}
		return failed(ExitFailed)
	case errors.Is(err, errDriverTimeout):
		r.con.errorf("The driver did not start listening within %s; stopped it; application %s was not submitted", r.o.DriverStartTimeout, id)
	default:
		r.con.errorf("%v; application %s was not submitted", err, id)
	}
	return failed(ExitFailed)
}

// superviseClient reports until the application runs, then watches the
// driver and the application until both have ended.
func (r *runner) superviseClient(ctx context.Context, id api.ApplicationID, d *driver) error {
	m := r.newMonitor(id, false) // the driver's output shares the console: plain lines only
	started := false
	for {
		select {
		case <-ctx.Done():
			return r.interruptClient(ctx, id, d)
		case <-d.done:
			return r.afterDriver(ctx, id, d, m)
		default:
		}
		a, ok, err := m.poll(ctx)
		switch {
		case ctx.Err() != nil:
			return r.interruptClient(ctx, id, d)
		case err != nil:
			r.con.errorf("Cannot follow application %s: %s; stopping the driver", id, client.Message(err))
			d.stop(r.o.DriverStopGrace)
			return failed(ExitFailed)
		case ok && a.State.Terminal():
			return r.appEndedFirst(id, d, a, started)
		case ok && !started && a.State == api.AppRunning:
			started, m.quiet = true, true
			r.con.infof("Application %s has started running.", id)
		}
		t := time.NewTimer(r.sp.reportInterval)
		select {
		case <-ctx.Done():
		case <-d.done:
		case <-t.C:
		}
		t.Stop()
	}
}

// interruptClient is Ctrl-C in client mode: the application is killed and
// the driver stopped.
func (r *runner) interruptClient(ctx context.Context, id api.ApplicationID, d *driver) error {
	r.con.warnf("Interrupted: killing application %s and stopping the driver", id)
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.o.FinalStateWait)
	defer cancel()
	state, err := r.rm.Kill(kctx, id)
	switch {
	case client.IsNotFound(err): // never submitted
	case err != nil:
		r.con.errorf("Cannot kill application %s: %s (goyarn application -kill %s)", id, client.Message(err), id)
	default:
		r.con.infof("Application %s is %s", id, state)
	}
	d.stop(r.o.DriverStopGrace)
	if err == nil {
		r.cleanup(id)
	}
	return failed(ExitInterrupted)
}

// appEndedFirst handles an application that ended while its driver runs:
// after SUCCEEDED the driver is given time to exit by itself; otherwise it
// is stopped at once.
func (r *runner) appEndedFirst(id api.ApplicationID, d *driver, a yarn.App, started bool) error {
	if a.FinalStatus == api.FinalSucceeded {
		if !d.waitExit(r.o.DriverExitWait) {
			r.con.warnf("The driver did not exit within %s of application %s finishing; stopping it", r.o.DriverExitWait, id)
			d.stop(r.o.DriverStopGrace)
			r.cleanup(id)
			return failed(ExitFailed)
		}
		return r.clientOutcome(id, d, a)
	}
	if started {
		r.con.errorf("YARN application has exited unexpectedly with state %s! Check the YARN application logs for more details.", a.State)
	} else {
		r.con.errorf("The YARN application has already ended! It might have been killed or the Application Master may have failed to start. Check the YARN application logs for more details.")
	}
	if a.Diagnostics != "" {
		r.con.errorf("Diagnostics message: %s", a.Diagnostics)
	}
	r.con.infof("Stopping the driver")
	d.stop(r.o.DriverStopGrace)
	r.cleanup(id)
	return failed(ExitFailed)
}

// afterDriver waits, within Options.FinalStateWait, for the application to
// end once its driver has exited; past that it kills the application.
func (r *runner) afterDriver(ctx context.Context, id api.ApplicationID, d *driver, m *monitor) error {
	m.quiet = true
	r.con.infof("The driver exited with code %d; waiting for application %s to end", d.code, id)
	deadline := r.o.Now().Add(r.o.FinalStateWait)
	for {
		a, ok, err := m.poll(ctx)
		switch {
		case ctx.Err() != nil:
			return r.interruptClient(ctx, id, d)
		case err != nil:
			r.con.errorf("Cannot learn how application %s ended: %s", id, client.Message(err))
			return failed(ExitFailed)
		case ok && a.State.Terminal():
			return r.clientOutcome(id, d, a)
		}
		if !r.o.Now().Before(deadline) {
			r.con.errorf("Application %s did not finish within %s of the driver's exit; killing it", id, r.o.FinalStateWait)
			kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.o.FinalStateWait)
			_, kerr := r.rm.Kill(kctx, id)
			cancel()
			if kerr != nil {
				r.con.errorf("Cannot kill application %s: %s (goyarn application -kill %s)", id, client.Message(kerr), id)
			}
			return failed(ExitFailed)
		}
		if err := sleep(ctx, r.sp.reportInterval); err != nil {
			return r.interruptClient(ctx, id, d)
		}
	}
}

// clientOutcome reports an ended application whose driver has exited: the
// driver's non-zero status wins, else the application's final status.
func (r *runner) clientOutcome(id api.ApplicationID, d *driver, a yarn.App) error {
	r.con.infof("%s", reportLine(a))
	r.cleanup(id)
	err := r.finalStatus(a)
	if d.code != 0 {
		r.con.errorf("The driver exited with code %d", d.code)
		return failed(d.code)
	}
	return err
}
