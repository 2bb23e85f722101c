package goyarn

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

func logsCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:  "logs",
		Usage: "print the logs of an application's containers: aggregated ones from the remote-app-log-dir once the application finished, else from the NodeManagers",
		UsageText: "goyarn logs -applicationId <id> [-containerId <cid>] [-nodeAddress <host:port>] " +
			"[-log_files stdout,stderr|ALL] [-am 1,2|ALL|-1] [-size N] [-remote-app-log-dir URL] [-aggregation-wait D]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "applicationId", Usage: "the application (may be left out with -containerId)"},
			&cli.StringFlag{Name: "containerId", Usage: "only this container"},
			&cli.StringFlag{Name: "nodeAddress", Usage: "only containers on this node (host:port)"},
			&cli.StringFlag{Name: "log_files", Usage: "comma-separated log file names, or ALL (default)"},
			&cli.StringFlag{Name: "am", Usage: "only AM containers: attempt numbers (1,2), ALL, or -1 for the latest"},
			&cli.Int64Flag{Name: "size", Usage: "bytes of each file: N > 0 the first N, N < 0 the last -N"},
			&cli.StringFlag{Name: "remote-app-log-dir", EnvVars: []string{"GOYARN_REMOTE_APP_LOG_DIR"},
				Usage: "where the NodeManagers aggregate logs (file:///dir, s3://bucket/prefix; default: the layout's remote-app-log-dir)"},
			&cli.DurationFlag{Name: "aggregation-wait", Value: time.Minute,
				Usage: "how long to wait for a finished application's log aggregation to end"},
		},
		Action: func(c *cli.Context) error {
			req, err := parseLogsRequest(c)
			if err != nil {
				return err
			}
			return withSession(c, o, func(s *session) error { return printLogs(s, req) })
		},
	}
}

type logsRequest struct {
	app       api.ApplicationID
	container api.ContainerID // zero: all
	node      string          // "": all nodes
	files     []string        // nil: all
	am        []int32         // AM attempts; nil: not filtering on AMs
	amAll     bool
	amLatest  bool
	size      int64
	remoteDir string        // "": aggregated logs are not read
	aggWait   time.Duration // bound on waiting for aggregation to end
}

func parseLogsRequest(c *cli.Context) (*logsRequest, error) {
	r := &logsRequest{node: c.String("nodeAddress"), size: c.Int64("size"),
		remoteDir: remoteAppLogDir(c.String("remote-app-log-dir")), aggWait: c.Duration("aggregation-wait")}
	if raw := c.String("containerId"); raw != "" {
		cid, err := api.ParseContainerID(raw)
		if err != nil {
			return nil, fail(exitFailure, "Invalid ContainerId specified: %s", raw)
		}
		r.container, r.app = cid, cid.App()
	}
	if raw := c.String("applicationId"); raw != "" {
		id, err := api.ParseApplicationID(raw)
		if err != nil {
			return nil, fail(exitFailure, "Invalid ApplicationId specified: %s", raw)
		}
		if !r.container.IsZero() && r.container.App() != id {
			return nil, fail(exitFailure, "The Application:%s does not have the container:%s", id, r.container)
		}
		r.app = id
	}
	if r.app.IsZero() {
		return nil, fail(exitFailure, "ApplicationId cannot be null! (give -applicationId <id>)")
	}
	for _, f := range yarn.SplitList(c.String("log_files")) {
		if strings.EqualFold(f, "ALL") {
			r.files = nil
			break
		}
		r.files = append(r.files, f)
	}
	for _, a := range yarn.SplitList(c.String("am")) {
		switch n, err := strconv.Atoi(a); {
		case strings.EqualFold(a, "ALL"):
			r.amAll = true
		case err == nil && n == -1:
			r.amLatest = true
		case err == nil && n > 0:
			r.am = append(r.am, int32(n))
		default:
			return nil, fail(exitFailure, "Invalid input for option -am. Valid inputs are 'ALL', -1 and any other integer which is larger than 0.")
		}
	}
	return r, nil
}

// found is a container and the node holding it.
type found struct {
	id   api.ContainerID
	node yarn.Node
}

func (r *logsRequest) amFilter() bool { return r.amAll || r.amLatest || len(r.am) > 0 }

// latestAttempt is the highest attempt number with an AM container in all.
func latestAttempt(all []found) int32 {
	latest := int32(0)
	for _, f := range all {
		if f.id.Seq == 1 {
			latest = max(latest, f.id.Attempt.Attempt)
		}
	}
	return latest
}

// keep applies -containerId, -am; AM containers are number 1 of an attempt.
func (r *logsRequest) keep(all []found, latest int32) []found {
	var out []found
	for _, f := range all {
		if r.keepOne(f.id, f.node.ID, latest) {
			out = append(out, f)
		}
	}
	return out
}

// keepOne applies -containerId, -nodeAddress and -am to one container.
func (r *logsRequest) keepOne(id api.ContainerID, node api.NodeID, latest int32) bool {
	if !r.container.IsZero() && id != r.container {
		return false
	}
	if r.node != "" && node.String() != r.node {
		return false
	}
	if r.amFilter() {
		n := id.Attempt.Attempt
		if id.Seq != 1 || !(r.amAll || (r.amLatest && n == latest) || slices.Contains(r.am, n)) {
			return false
		}
	}
	return true
}

// printLogs prints the logs of the selected containers. A finished
// application whose logs are aggregated is read from the remote-app-log-dir
// (waiting up to -aggregation-wait for the aggregation to end); what the
// aggregation does not hold (it failed, or is not done) is read from the
// NodeManagers, as for a running application. A known container whose logs
// are found nowhere is reported on stderr.
func printLogs(s *session, r *logsRequest) error {
	app, appErr := s.client.App(s.ctx, r.app)
	attempts, _ := s.client.Attempts(s.ctx, r.app)
	var src *aggregatedSource
	complete := false // the aggregated logs hold everything
	if appErr == nil && r.remoteDir != "" && app.State.Terminal() && app.LogAggregationStatus != yarn.LogAggDisabled {
		app = waitAggregation(s, r, app)
		var err error
		if src, err = openAggregated(s, r.remoteDir, app.User, r.app); err != nil {
			fmt.Fprintf(s.errw, "WARNING: could not read the aggregated logs of %s: %v\n", r.app, err)
			src = nil
		}
		complete = src != nil && app.LogAggregationStatus == yarn.LogAggSucceeded
		if !complete {
			fmt.Fprintf(s.errw, "Log aggregation of %s is %s: printing what was aggregated and what the NodeManagers still hold.\n",
				r.app, app.LogAggregationStatus)
		}
	}
	latest := int32(0)
	var known []found // containers the RM names (the AMs), to report when no logs are found
	for _, a := range attempts {
		latest = max(latest, a.ID)
		if !a.ContainerID.IsZero() {
			known = append(known, found{id: a.ContainerID, node: yarn.Node{ID: a.NodeID}})
		}
	}
	printed := 0
	done := map[api.ContainerID]bool{}
	if src != nil {
		done, printed = printAggregated(s, r, src, func(id api.ContainerID, node api.NodeID) bool {
			return r.keepOne(id, node, latest)
		})
	}
	if !complete {
		nodes, err := s.client.Nodes(s.ctx)
		if err != nil {
			return remoteFailure(err)
		}
		nodes = slices.DeleteFunc(nodes, func(n yarn.Node) bool {
			return !n.State.Active() || n.NodeHTTPAddress == "" || (r.node != "" && n.ID.String() != r.node)
		})
		all := findContainers(s, r.app, nodes)
		slices.SortFunc(all, func(a, b found) int {
			return cmp.Or(cmp.Compare(a.id.Attempt.Attempt, b.id.Attempt.Attempt),
				cmp.Compare(a.id.Epoch, b.id.Epoch), cmp.Compare(a.id.Seq, b.id.Seq))
		})
		if latest == 0 {
			latest = latestAttempt(all)
		}
		for _, f := range r.keep(all, latest) {
			if done[f.id] {
				continue
			}
			done[f.id] = true
			printed += printContainerLogs(s, r, f)
		}
	}
	for _, f := range r.keep(known, latest) {
		if !done[f.id] {
			done[f.id] = true
			fmt.Fprintf(s.errw, "Container %s on %s: no logs found: its NodeManager does not hold them (or does not answer) and they are not aggregated.\n",
				f.id, nodeString(f.node.ID))
		}
	}
	if len(done) == 0 {
		switch {
		case !r.container.IsZero():
			return fail(exitFailure, "Can not find the container:%s in any NodeManager of the application:%s", r.container, r.app)
		case r.amFilter():
			return fail(exitFailure, "Can not find the AM container logs of the application:%s", r.app)
		}
		return fail(exitFailure, "Can not find the logs for the application: %s with the appOwner: %s", r.app, s.client.User())
	}
	if printed == 0 {
		return &exitError{code: exitFailure}
	}
	return nil
}

// findContainers asks every node, a few at a time, for the app's containers.
// A node that cannot be asked gets a warning.
func findContainers(s *session, app api.ApplicationID, nodes []yarn.Node) []found {
	results := make([][]found, len(nodes))
	warnings := make([]string, len(nodes))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			nc, err := s.nodeClient(n.NodeHTTPAddress)
			if err == nil {
				defer nc.Close()
				var ids []api.ContainerID
				if ids, err = nc.NodeApp(s.ctx, app); err == nil {
					for _, id := range ids {
						results[i] = append(results[i], found{id: id, node: n})
					}
					return
				}
			}
			warnings[i] = fmt.Sprintf("WARNING: could not ask node %s (%s) for the containers of %s: %s",
				n.ID, n.NodeHTTPAddress, app, client.Message(err))
		}()
	}
	wg.Wait()
	var out []found
	for i := range nodes {
		if warnings[i] != "" {
			fmt.Fprintln(s.errw, warnings[i])
		}
		out = append(out, results[i]...)
	}
	return out
}

// printContainerLogs prints the selected log files of one container as
// Hadoop's LogToolUtils does, and returns how many it printed.
func printContainerLogs(s *session, r *logsRequest, f found) int {
	nc, err := s.nodeClient(f.node.NodeHTTPAddress)
	if err != nil {
		fmt.Fprintf(s.errw, "WARNING: node %s: %v\n", f.node.ID, err)
		return 0
	}
	defer nc.Close()
	files, err := nc.ContainerLogFiles(s.ctx, f.id)
	if err != nil {
		fmt.Fprintf(s.errw, "WARNING: could not list the logs of %s on node %s: %s\n", f.id, f.node.ID, client.Message(err))
		return 0
	}
	if r.files != nil {
		var missing []string
		var sel []yarn.ContainerLogFile
		for _, name := range r.files {
			i := slices.IndexFunc(files, func(lf yarn.ContainerLogFile) bool { return lf.FileName == name })
			if i < 0 {
				missing = append(missing, name)
				continue
			}
			sel = append(sel, files[i])
		}
		if len(missing) > 0 {
			fmt.Fprintf(s.errw, "Can not find any log file matching the pattern: %s for the container: %s within the application: %s\n",
				javaList(missing), f.id, r.app)
		}
		files = sel
	}
	printed := 0
	containerStr := fmt.Sprintf("Container: %s on %s", f.id, nodeString(f.node.ID))
	for _, lf := range files {
		body, length, err := nc.OpenContainerLog(s.ctx, f.id, lf.FileName, r.size)
		if err != nil {
			fmt.Fprintf(s.errw, "WARNING: could not read %s of %s on node %s: %s\n", lf.FileName, f.id, f.node.ID, client.Message(err))
			continue
		}
		size := lf.FileSize
		if size == "" {
			size = strconv.FormatInt(length, 10)
		}
		fmt.Fprintf(s.out, "%s\nLogAggregationType: %s\n%s\nLogType:%s\nLogLastModifiedTime:%s\nLogLength:%s\nLogContents:\n",
			containerStr, yarn.LogAggregationLocal, strings.Repeat("=", len(containerStr)), lf.FileName,
			orNA(lf.LastModifiedTime), size)
		_, err = io.Copy(s.out, body)
		body.Close()
		end := "End of LogType:" + lf.FileName
		fmt.Fprintf(s.out, "\n%s\n%s\n\n", end, strings.Repeat("*", len(end)+50))
		if err != nil {
			fmt.Fprintf(s.errw, "WARNING: reading %s of %s on node %s broke off: %v\n", lf.FileName, f.id, f.node.ID, err)
			continue
		}
		printed++
	}
	return printed
}
