package docker

import (
	"context"
	"sort"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Recover lists the daemon's containers labelled with this node (and
// cluster) and re-attaches to each one it does not hold yet: a running one
// is watched until it exits; one that exited meanwhile gets the exit code
// the daemon kept. It returns the status of every container the runtime now
// holds, sorted by id, including those started by this instance.
func (r *Runtime) Recover(ctx context.Context) ([]containers.Status, error) {
	if err := r.ctrs.CheckOpen(); err != nil {
		return nil, err
	}
	list, err := r.api.ContainerList(ctx, container.ListOptions{All: true, Filters: r.ownFilter()})
	if err != nil {
		return nil, wrap("listing this node's containers", err)
	}
	for _, s := range list {
		id, err := api.ParseContainerID(s.Labels[LabelContainer])
		if err != nil {
			r.log.Warn("ignoring a container with no goyarn container id", zap.String("docker_id", shortID(s.ID)))
			continue
		}
		if err := r.recoverOne(ctx, id, s.ID); err != nil {
			return nil, err
		}
	}
	held := r.ctrs.All()
	out := make([]containers.Status, 0, len(held))
	for _, c := range held {
		out = append(out, c.status())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out, nil
}

// ownFilter selects the containers of this node (and cluster).
func (r *Runtime) ownFilter() filters.Args {
	f := filters.NewArgs(filters.Arg("label", LabelNode+"="+r.cfg.Node))
	if r.cfg.ClusterID != "" {
		f.Add("label", LabelCluster+"="+r.cfg.ClusterID)
	}
	return f
}

// recoverOne re-attaches to one listed container unless the runtime holds
// (or is starting) that id already.
func (r *Runtime) recoverOne(ctx context.Context, id api.ContainerID, dockerID string) error {
	if _, busy := r.ctrs.Busy(id); busy {
		return nil
	}
	info, err := r.api.ContainerInspect(ctx, dockerID)
	if err != nil || info.ContainerJSONBase == nil || info.State == nil {
		if err == nil || isGone(err) {
			return nil // removed since the listing
		}
		return wrap("inspecting "+id.String(), err)
	}
	logDir := ""
	if info.Config != nil {
		logDir = info.Config.Labels[LabelLogDir]
	}
	c := newCtr(id, dockerID, logDir, info.State.Pid, parseTime(info.State.StartedAt))
	running := info.State.Running || info.State.Restarting || info.State.Paused
	var add containers.AddFunc
	if running {
		add = r.watchUnlessClosed(c)
	} else {
		r.finished(c, info)
	}
	if _, ok := r.ctrs.Recovered(id, c, add); !ok { // a concurrent Recover or Start won
		return nil
	}
	r.log.Info("container recovered", zap.String("container_id", id.String()), zap.Bool("running", running),
		zap.Int("exit_code", c.status().ExitCode))
	return nil
}
