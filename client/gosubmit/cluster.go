package gosubmit

import (
	"context"
	"errors"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

// runCluster submits an AM that runs the driver in its own container and,
// unless --no-wait, reports until the application ends.
func (r *runner) runCluster(ctx context.Context) error {
	id, err := r.prepare(ctx)
	if err != nil {
		return err
	}
	res, err := r.stageFiles(ctx, id)
	if err != nil {
		return err
	}
	if err := r.submit(ctx, r.sp.submission(id, res, "")); err != nil {
		return err
	}
	r.con.infof("The driver's output goes to the ApplicationMaster container's stdout: goyarn logs -applicationId %s -am 1 -log_files stdout", id)
	m := r.newMonitor(id, !r.sp.follow)
	if !r.sp.wait {
		return r.reportOnce(ctx, m)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := &follower{r: r, ctx: ctx}
	defer f.finish()
	amLogs := ""
	for {
		a, ok, err := m.poll(ctx)
		if err != nil {
			return r.stopWaiting(id, err)
		}
		if ok && a.AMContainerLogs != "" && a.AMContainerLogs != amLogs && r.noteAM(ctx, a, f) {
			amLogs = a.AMContainerLogs
		}
		if ok && a.State.Terminal() {
			f.finish()
			r.con.clear()
			r.cleanup(id)
			return r.finalStatus(a)
		}
		if err := sleep(ctx, r.sp.reportInterval); err != nil {
			return r.stopWaiting(id, err)
		}
	}
}

// reportOnce is --no-wait: one report, then gosubmit exits.
func (r *runner) reportOnce(ctx context.Context, m *monitor) error {
	a, err := r.rm.App(ctx, m.id)
	if err != nil {
		return r.stopWaiting(m.id, err)
	}
	m.live = false
	m.report(a)
	if a.State.Terminal() {
		return r.finalStatus(a)
	}
	r.con.infof("Not waiting for application %s to finish; goyarn application -status %s reports on it", m.id, m.id)
	return nil
}

// stopWaiting ends a cluster-mode wait: the application keeps running.
func (r *runner) stopWaiting(id api.ApplicationID, err error) error {
	r.con.clear()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		r.con.warnf("Stopped waiting; application %s keeps running. To kill it: goyarn application -kill %s", id, id)
		return failed(ExitInterrupted)
	}
	r.con.errorf("Cannot follow application %s: %s", id, client.Message(err))
	r.con.warnf("Application %s may still be running. To kill it: goyarn application -kill %s", id, id)
	return failed(ExitFailed)
}

// noteAM says where the driver's output of a new AM attempt is and, with
// --follow, streams it. It returns false to be asked again on the next
// report (the attempt was not known yet).
func (r *runner) noteAM(ctx context.Context, a yarn.App, f *follower) bool {
	if !r.sp.follow {
		r.con.infof("Driver Logs (stdout): %s/stdout", a.AMContainerLogs)
		return true
	}
	attempts, err := r.rm.Attempts(ctx, a.ID)
	if err != nil || len(attempts) == 0 {
		return false
	}
	last := attempts[0]
	for _, at := range attempts[1:] {
		if at.ID > last.ID {
			last = at
		}
	}
	if last.ContainerID.IsZero() || last.NodeHTTPAddress == "" {
		return false
	}
	r.con.infof("Driver Logs (stdout): %s/stdout", a.AMContainerLogs)
	r.con.infof("Following the driver's output (attempt %d, container %s on %s)", last.ID, last.ContainerID, last.NodeHTTPAddress)
	f.follow(last.ContainerID, last.NodeHTTPAddress)
	return true
}

// follower streams the stdout of the current AM container to Stdout.
type follower struct {
	r    *runner
	ctx  context.Context
	stop chan struct{}
	done chan struct{}
}

// follow switches to container cid on the NM at nodeHTTP, after a final
// read of the previous one.
func (f *follower) follow(cid api.ContainerID, nodeHTTP string) {
	f.finish()
	nc, err := client.NewNodeClient(nodeHTTP, client.NodeOptions{User: f.r.rm.User(), AuthToken: f.r.sp.token})
	if err != nil {
		f.r.con.warnf("Cannot follow the driver's output: %v", err)
		return
	}
	f.stop, f.done = make(chan struct{}), make(chan struct{})
	go func(stop, done chan struct{}) {
		defer close(done)
		defer nc.Close()
		_, err := nc.FollowContainerLog(f.ctx, cid, "stdout", f.r.o.Stdout, 0, f.r.sp.reportInterval, stop)
		if err != nil && f.ctx.Err() == nil {
			f.r.con.warnf("Stopped following the driver's output: %s", client.Message(err))
		}
	}(f.stop, f.done)
}

// finish reads the current container's output to its end and stops.
func (f *follower) finish() {
	if f.stop == nil {
		return
	}
	close(f.stop)
	<-f.done
	f.stop, f.done = nil, nil
}
