package dshell

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/appmaster"
)

// Deps are what the AM runs with.
type Deps struct {
	RM  *appmaster.AMRMClient
	NM  *appmaster.NMClient
	Log *zap.Logger // nil: no logging
	// Host, RPCPort and TrackingURL are registered with the RM (the shell
	// AM serves nothing: port 0, no URL, as DistributedShell).
	Host        string
	RPCPort     int
	TrackingURL string
	// Heartbeat tunes the allocate loop (zero fields: the defaults).
	Heartbeat appmaster.HeartbeatConfig
	// FinishTimeout bounds unregistering once the context has ended
	// (default 10 s: the NM's kill grace is short).
	FinishTimeout time.Duration
}

// Result is how the run ended.
type Result struct {
	FinalStatus api.FinalStatus
	Diagnostics string
	// Unregistered: the RM accepted the final status.
	Unregistered bool
}

// Succeeded reports whether the AM unregistered SUCCEEDED.
func (r Result) Succeeded() bool { return r.Unregistered && r.FinalStatus == api.FinalSucceeded }

type launchResult struct {
	id  api.ContainerID
	err error
}

type tracked struct {
	c    rpc.Container
	done bool
}

type shellAM struct {
	opts    Options
	deps    Deps
	log     *zap.Logger
	launch  api.LaunchContext
	results chan launchResult
	wg      sync.WaitGroup

	containers map[api.ContainerID]*tracked // the N we run, by id
	completed  int
	failures   []string
}

// Run runs the distributed shell to its end. The error is non-nil when the
// AM could not do its job at all (bad options, no RM, AM_SHUTDOWN, the
// final status not accepted); a FAILED application is a Result, not an error.
func Run(ctx context.Context, opts Options, deps Deps) (Result, error) {
	failed := Result{FinalStatus: api.FinalFailed}
	if err := opts.Validate(); err != nil {
		return failed, err
	}
	if deps.RM == nil || deps.NM == nil {
		return failed, errors.New("dshell: Deps.RM and Deps.NM are required")
	}
	if deps.Log == nil {
		deps.Log = zap.NewNop()
	}
	if deps.FinishTimeout <= 0 {
		deps.FinishTimeout = 10 * time.Second
	}
	a := &shellAM{
		opts: opts, deps: deps, launch: opts.LaunchContext(),
		log:        deps.Log.Named("dshell").With(zap.String("app_id", deps.RM.AttemptID().App.String())),
		results:    make(chan launchResult),
		containers: map[api.ContainerID]*tracked{},
	}
	return a.run(ctx)
}

func (a *shellAM) run(ctx context.Context) (Result, error) {
	reg, err := a.deps.RM.Register(ctx, a.deps.Host, a.deps.RPCPort, a.deps.TrackingURL)
	if err != nil {
		return Result{FinalStatus: api.FinalFailed}, fmt.Errorf("registering with the resource manager: %w", err)
	}
	capability := a.opts.Capability()
	if most := reg.MaximumCapability; most.Positive() && !capability.Fits(most) {
		capability = capability.Min(most)
		a.log.Warn("container size above the cluster maximum: using the maximum",
			zap.Stringer("asked", a.opts.Capability()), zap.Stringer("using", capability))
	}
	if err := a.deps.RM.AddRequest(a.opts.Priority, capability, a.opts.NumContainers); err != nil {
		return Result{FinalStatus: api.FinalFailed}, err
	}
	a.log.Info("requesting containers", zap.Int("count", a.opts.NumContainers), zap.Stringer("capability", capability),
		zap.Int32("priority", a.opts.Priority), zap.String("command", a.opts.ShellLine()),
		zap.Strings("env", sortedKeys(a.opts.ShellEnv)))

	launchCtx, stopLaunches := context.WithCancel(ctx)
	hb := a.deps.RM.StartHeartbeat(ctx, a.deps.Heartbeat)
	loopErr := a.loop(ctx, launchCtx, hb)
	hb.Stop()
	stopLaunches()
	a.wg.Wait()

	switch {
	case errors.Is(loopErr, appmaster.ErrShutdown):
		a.log.Error("resource manager ordered shutdown: exiting without unregistering", zap.Error(loopErr))
		return Result{FinalStatus: api.FinalKilled, Diagnostics: "shut down by the resource manager"}, loopErr
	case ctx.Err() != nil:
		diag := fmt.Sprintf("application master stopped (%v) with %d of %d containers completed", context.Cause(ctx), a.completed, a.opts.NumContainers)
		a.log.Warn("stopped before all containers completed: unregistering as KILLED", zap.Int("completed", a.completed))
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.deps.FinishTimeout)
		defer cancel()
		return a.finish(fctx, api.FinalKilled, diag)
	case loopErr != nil:
		a.log.Error("lost the resource manager", zap.Error(loopErr))
		fctx, cancel := context.WithTimeout(ctx, a.deps.FinishTimeout)
		defer cancel()
		res, err := a.finish(fctx, api.FinalFailed, "application master failed: "+loopErr.Error())
		return res, errors.Join(loopErr, err)
	}
	if len(a.failures) > 0 {
		diag := fmt.Sprintf("%d of %d containers failed: %s", len(a.failures), a.opts.NumContainers, strings.Join(a.failures, "; "))
		a.log.Error("application failed", zap.String("diagnostics", diag))
		return a.finish(ctx, api.FinalFailed, diag)
	}
	a.log.Info("all containers exited with code 0", zap.Int("count", a.opts.NumContainers))
	return a.finish(ctx, api.FinalSucceeded, "")
}

func (a *shellAM) finish(ctx context.Context, status api.FinalStatus, diag string) (Result, error) {
	res := Result{FinalStatus: status, Diagnostics: diag}
	if err := a.deps.RM.Finish(ctx, status, diag, a.deps.TrackingURL); err != nil {
		a.log.Error("could not unregister from the resource manager", zap.Error(err))
		return res, fmt.Errorf("unregistering: %w", err)
	}
	res.Unregistered = true
	a.log.Info("application master finished", zap.String("final_status", string(status)))
	return res, nil
}

// loop runs until every container completed, the context ended or the
// heartbeat failed.
func (a *shellAM) loop(ctx, launchCtx context.Context, hb *appmaster.Heartbeater) error {
	for a.completed < a.opts.NumContainers {
		select {
		case ev, ok := <-hb.Events():
			if !ok {
				return hb.Err()
			}
			a.onAllocated(launchCtx, ev.Allocated)
			a.onCompleted(ev.Completed)
		case r := <-a.results:
			a.onLaunched(r)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (a *shellAM) onAllocated(ctx context.Context, cs []rpc.Container) {
	for _, c := range cs {
		log := a.log.With(zap.String("container_id", c.ID.String()), zap.String("node_id", c.NodeID.String()))
		if len(a.containers) >= a.opts.NumContainers {
			log.Info("releasing a container beyond the number asked for")
			a.deps.RM.Release(c.ID)
			continue
		}
		a.containers[c.ID] = &tracked{c: c}
		log.Info("launching shell command in container", zap.Int("launched", len(a.containers)), zap.Int("total", a.opts.NumContainers))
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			err := a.deps.NM.StartContainer(ctx, c, a.launch)
			select {
			case a.results <- launchResult{id: c.ID, err: err}:
			case <-ctx.Done():
			}
		}()
	}
}

func (a *shellAM) onLaunched(r launchResult) {
	t := a.containers[r.id]
	log := a.log.With(zap.String("container_id", r.id.String()), zap.String("node_id", t.c.NodeID.String()))
	if r.err == nil {
		log.Info("container started")
		return
	}
	log.Error("container could not be started", zap.Error(r.err))
	a.deps.RM.Release(r.id)
	a.done(t, fmt.Sprintf("%s could not be started: %v", r.id, r.err))
}

func (a *shellAM) onCompleted(statuses []rpc.ContainerStatus) {
	for _, s := range statuses {
		t, ours := a.containers[s.ContainerID]
		if !ours || t.done {
			continue
		}
		log := a.log.With(zap.String("container_id", s.ContainerID.String()), zap.String("node_id", t.c.NodeID.String()), zap.Int("exit_status", s.ExitStatus))
		if s.ExitStatus == api.ExitSuccess {
			log.Info("container completed successfully")
			a.done(t, "")
			continue
		}
		what := fmt.Sprintf("%s exited with code %d", s.ContainerID, s.ExitStatus)
		if name := exitName(s.ExitStatus); name != "" {
			what += " (" + name + ")"
		}
		if d := strings.TrimSpace(s.Diagnostics); d != "" {
			what += ": " + d
		}
		log.Error("container failed", zap.String("diagnostics", s.Diagnostics))
		a.done(t, what)
	}
}

// done records t's end; failure is empty for a success.
func (a *shellAM) done(t *tracked, failure string) {
	if t.done {
		return
	}
	t.done = true
	a.completed++
	if failure != "" {
		a.failures = append(a.failures, failure)
	}
	a.deps.RM.SetProgress(float64(a.completed) / float64(a.opts.NumContainers))
	a.log.Info("progress", zap.Int("completed", a.completed), zap.Int("total", a.opts.NumContainers), zap.Int("failed", len(a.failures)))
}
