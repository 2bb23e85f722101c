package process

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Recover scans StateDir and re-attaches to every container found there: one
// whose shell still runs (same pid and start time) is watched until it exits;
// one that exited meanwhile gets the exit code its launch script recorded (or
// api.ExitAborted when none was). It returns the status of every container the
// runtime now holds, sorted by id, including those started by this instance.
func (r *Runtime) Recover(ctx context.Context) ([]containers.Status, error) {
	if err := r.ctrs.CheckOpen(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(r.stateDir)
	if err != nil {
		return nil, fmt.Errorf("%w: process runtime: reading state dir: %w", containers.ErrUnavailable, err)
	}
	var out []containers.Status
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if !e.IsDir() {
			continue
		}
		id, err := api.ParseContainerID(e.Name())
		if err != nil {
			r.log.Warn("ignoring unknown entry in state dir", zap.String("name", e.Name()))
			continue
		}
		if c := r.recoverOne(id, filepath.Join(r.stateDir, e.Name())); c != nil {
			out = append(out, c.status())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out, nil
}

// recoverOne returns the container the runtime holds for id, re-finding it
// from dir when it holds none yet; nil while a Start of id is under way.
func (r *Runtime) recoverOne(id api.ContainerID, dir string) *container {
	if known, busy := r.ctrs.Busy(id); busy {
		return known
	}
	logID := zap.String("container_id", id.String())
	var saved savedSpec
	if err := readJSON(filepath.Join(dir, fileSpec), &saved); err != nil {
		r.log.Warn("container spec unreadable", logID, zap.Error(err))
		saved = savedSpec{ID: id.String()}
	}
	pid, ticks, perr := readPidFile(dir)
	if perr != nil {
		r.log.Warn("container pid file unreadable", logID, zap.Error(perr))
	}
	c := newContainer(id, dir, saved, pid, ticks, false)
	running := perr == nil && processAlive(r.procRoot, pid, ticks)
	var add containers.AddFunc
	if running {
		add = func(closed bool) bool {
			if closed { // no watcher would record its end
				return false
			}
			r.wg.Add(1)
			go r.watch(c)
			return true
		}
	} else {
		r.finishFromFiles(c)
	}
	if held, ok := r.ctrs.Recovered(id, c, add); !ok { // a concurrent Recover or Start won, or closed
		return held
	}
	st := c.status()
	r.log.Info("container recovered", logID, zap.Bool("running", st.Running), zap.Int("exit_code", st.ExitCode))
	return c
}

// watch polls a recovered container's shell, which this process cannot wait
// for, and records its end from the state dir once it is gone.
func (r *Runtime) watch(c *container) {
	defer r.wg.Done()
	t := time.NewTicker(r.cfg.ExitPollInterval)
	defer t.Stop()
	for {
		select {
		case <-r.closing:
			return
		case <-c.done:
			return
		case <-t.C:
			if !processAlive(r.procRoot, c.pid, c.startTicks) {
				r.finishFromFiles(c)
				return
			}
		}
	}
}

// finishFromFiles records the end of a container that is not a child, from
// its exit-code and outcome files.
func (r *Runtime) finishFromFiles(c *container) {
	code, at, ok := readExitCode(c.dir)
	if at.IsZero() {
		if fi, err := os.Stat(filepath.Join(c.dir, fileOutcome)); err == nil {
			at = fi.ModTime()
		} else {
			at = r.now()
		}
	}
	r.finished(c, exitFacts{haveFile: ok, fileCode: code}, at)
}
