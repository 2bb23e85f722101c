package gosubmit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

// runner is one gosubmit invocation after its input was validated.
type runner struct {
	sp    *spec
	o     *Options
	con   *console
	rm    *client.Client
	stage *client.Stager
}

func run(c *cli.Context, o *Options) error {
	sp, err := parseSpec(c, o)
	if err != nil {
		return usage("%v", err)
	}
	con := newConsole(o.Stderr, o)
	if sp.legacy {
		con.warnf("Master %s is deprecated since 2.0. Please use master \"yarn\" with specified deploy mode instead.", sp.master)
	}
	if sp.verbose {
		printVerbose(con, sp)
	}
	stager, err := client.NewLayoutStager(sp.stagingDir, o.Getenv)
	if err != nil {
		return usage("%v", err)
	}
	rm, err := newClient(sp, o, con)
	if err != nil {
		return usage("%v", err)
	}
	defer rm.Close()
	r := &runner{sp: sp, o: o, con: con, rm: rm, stage: stager}
	if sp.mode == modeCluster {
		return r.runCluster(c.Context)
	}
	return r.runClient(c.Context)
}

// printVerbose is spark-submit's --verbose summary of what it parsed.
func printVerbose(con *console, sp *spec) {
	var b strings.Builder
	row := func(k string, v any) { fmt.Fprintf(&b, "  %-24s%v\n", k, v) }
	b.WriteString("Parsed arguments:\n")
	row("master", sp.master+" ("+strings.Join(sp.addrs(), ",")+")")
	row("deployMode", sp.mode)
	row("executorMemory", fmt.Sprintf("%dm", sp.executorMB))
	row("executorCores", sp.executorCores)
	row("numExecutors", sp.executors)
	row("driverMemory", fmt.Sprintf("%dm", sp.driverMB))
	row("driverCores", sp.driverCores)
	row("queue", sp.queue)
	files := make([]string, len(sp.files))
	for i, f := range sp.files {
		files[i] = f.path + "#" + f.key
	}
	row("files", strings.Join(files, ","))
	row("primaryResource", "file:"+sp.binary.path)
	row("name", sp.name)
	row("childArgs", fmt.Sprintf("%q", sp.args))
	row("image", sp.image)
	row("appmaster", sp.appmaster)
	row("stagingDir", sp.stagingDir)
	row("verbose", sp.verbose)
	b.WriteString("\nSpark properties used, including those specified through --conf:\n")
	for _, k := range sortedKeys(sp.conf) {
		fmt.Fprintf(&b, "  (%s,%s)\n", k, sp.conf[k])
	}
	con.println(strings.TrimRight(b.String(), "\n"))
}

// prepare asks the RM what spark-submit's yarn.Client asks before it
// submits: the queue must exist, a new application id, the sizes within the
// maximum allocation. Nothing is submitted; bad input is ExitUsage.
func (r *runner) prepare(ctx context.Context) (api.ApplicationID, error) {
	sched, err := r.rm.Scheduler(ctx)
	if err != nil {
		return api.ApplicationID{}, remoteError(r.con, "cannot read the ResourceManager's queues", err)
	}
	r.con.answered()
	if err := checkQueue(sched, r.sp.queue); err != nil {
		return api.ApplicationID{}, usage("%v", err)
	}
	metrics, err := r.rm.Metrics(ctx)
	if err != nil {
		return api.ApplicationID{}, remoteError(r.con, "cannot read the cluster metrics", err)
	}
	r.con.infof("Requesting a new application from cluster with %d NodeManagers", metrics.ActiveNodes)
	na, err := r.rm.NewApplication(ctx)
	if err != nil {
		return api.ApplicationID{}, remoteError(r.con, "cannot get a new application", err)
	}
	maxRes := na.MaximumResourceCapability
	r.con.infof("Verifying our application has not requested more than the maximum memory capability of the cluster (%d MB per container)", maxRes.MemoryMB)
	if err := r.sp.checkMaximum(maxRes); err != nil {
		return api.ApplicationID{}, usage("%v", err)
	}
	r.con.infof("Will allocate AM container, with %d MB memory", r.sp.amMB)
	return na.ApplicationID, nil
}

// checkMaximum compares the containers the application needs with the
// cluster's maximum allocation (a zero figure is not checked).
func (sp *spec) checkMaximum(maxRes api.Resource) error {
	var bad problems
	const hint = "Please check the values of 'yarn.scheduler.maximum-allocation-mb' and/or 'yarn.nodemanager.resource.memory-mb'."
	if maxRes.MemoryMB > 0 && sp.executorMB > maxRes.MemoryMB {
		bad.add("Required executor memory (%d MB) is above the max threshold (%d MB) of this cluster! %s", sp.executorMB, maxRes.MemoryMB, hint)
	}
	if maxRes.MemoryMB > 0 && sp.amMB > maxRes.MemoryMB {
		bad.add("Required AM memory (%d MB) is above the max threshold (%d MB) of this cluster! %s", sp.amMB, maxRes.MemoryMB, hint)
	}
	if maxRes.VCores > 0 && sp.executorCores > maxRes.VCores {
		bad.add("Required executor cores (%d) is above the max threshold (%d) of this cluster! Please check the value of 'yarn.scheduler.maximum-allocation-vcores'.", sp.executorCores, maxRes.VCores)
	}
	if maxRes.VCores > 0 && sp.amCores > maxRes.VCores {
		bad.add("Required AM cores (%d) is above the max threshold (%d) of this cluster! Please check the value of 'yarn.scheduler.maximum-allocation-vcores'.", sp.amCores, maxRes.VCores)
	}
	return bad.err()
}

// checkQueue finds queue (a leaf's name or full path) in the scheduler's
// tree. A scheduler that lists no queues is not checked.
func checkQueue(info yarn.CapacitySchedulerInfo, queue string) error {
	var all []yarn.CapacityQueue
	var walk func([]yarn.CapacityQueue)
	walk = func(qs []yarn.CapacityQueue) {
		for _, q := range qs {
			all = append(all, q)
			if q.Queues != nil {
				walk(q.Queues.Queue)
			}
		}
	}
	walk(info.Queues.Queue)
	if len(all) == 0 {
		return nil
	}
	var leaves []string
	for _, q := range all {
		if q.IsLeaf() {
			leaves = append(leaves, q.QueueName)
		}
		if q.QueueName != queue && q.QueuePath != queue {
			continue
		}
		switch {
		case !q.IsLeaf():
			return fmt.Errorf("queue %s is a parent queue; submit to one of its leaf queues", queue)
		case q.State == yarn.QueueStopped:
			return fmt.Errorf("queue %s is STOPPED and does not accept applications", queue)
		}
		return nil
	}
	return fmt.Errorf("queue %s does not exist (queues: %s)", queue, strings.Join(leaves, ", "))
}

// stage copies the appmaster, the binary and the --files to
// <staging>/<app>/ and returns them as local resources by name.
func (r *runner) stageFiles(ctx context.Context, id api.ApplicationID) (map[string]api.LocalResource, error) {
	files := append([]stagedFile{{key: appmasterName, path: r.sp.appmaster}, r.sp.binary}, r.sp.files...)
	out := make(map[string]api.LocalResource, len(files))
	for _, f := range files {
		lr, err := r.stage.Stage(ctx, id, f.key, f.path)
		if err != nil {
			r.con.errorf("%v", err)
			r.cleanup(id)
			return nil, failed(ExitFailed)
		}
		r.con.infof("Uploading resource file:%s -> %s", f.path, lr.URL)
		out[f.key] = lr
	}
	return out, nil
}

// submit sends the submission context.
func (r *runner) submit(ctx context.Context, sub api.SubmissionContext) error {
	if r.sp.verbose {
		r.con.infof("ApplicationMaster command: %s", sub.AMContainer.Commands[0])
	}
	r.con.infof("Submitting application %s to ResourceManager", sub.ApplicationID)
	if err := r.rm.SubmitContext(ctx, sub); err != nil {
		r.cleanup(sub.ApplicationID)
		return remoteError(r.con, "cannot submit the application", err)
	}
	r.con.log("INFO", srcYarn, "Submitted application %s", sub.ApplicationID)
	return nil
}

// cleanup deletes the application's staging directory, as Spark does once
// the application has ended (unless spark.yarn.preserve.staging.files).
func (r *runner) cleanup(id api.ApplicationID) {
	if r.sp.preserveStaging {
		return
	}
	dir := r.stage.Dir(id)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.stage.Delete(ctx, id); err != nil {
		r.con.warnf("Failed to delete staging directory %s: %v", dir, err)
		return
	}
	r.con.infof("Deleted staging directory %s", dir)
}

// finalStatus prints the outcome of a finished application as
// spark-submit does and returns the exit status it implies.
func (r *runner) finalStatus(a yarn.App) error {
	switch {
	case a.State == api.AppFailed || a.FinalStatus == api.FinalFailed:
		if a.Diagnostics != "" {
			r.con.errorf("Application diagnostics message: %s", a.Diagnostics)
		}
		r.con.errorf("Application %s finished with failed status", a.ID)
	case a.State == api.AppKilled || a.FinalStatus == api.FinalKilled:
		r.con.errorf("Application %s is killed", a.ID)
	case a.FinalStatus != api.FinalSucceeded:
		r.con.errorf("The final status of application %s is undefined", a.ID)
	default:
		return nil
	}
	return failed(ExitFailed)
}
