package goyarn

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

func logsCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:  "logs",
		Usage: "print the logs of an application's containers, read from the NodeManagers",
		UsageText: "goyarn logs -applicationId <id> [-containerId <cid>] [-nodeAddress <host:port>] " +
			"[-log_files stdout,stderr|ALL] [-am 1,2|ALL|-1] [-size N]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "applicationId", Usage: "the application (may be left out with -containerId)"},
			&cli.StringFlag{Name: "containerId", Usage: "only this container"},
			&cli.StringFlag{Name: "nodeAddress", Usage: "only containers on this node (host:port)"},
			&cli.StringFlag{Name: "log_files", Usage: "comma-separated log file names, or ALL (default)"},
			&cli.StringFlag{Name: "am", Usage: "only AM containers: attempt numbers (1,2), ALL, or -1 for the latest"},
			&cli.Int64Flag{Name: "size", Usage: "bytes of each file: N > 0 the first N, N < 0 the last -N"},
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
}

func parseLogsRequest(c *cli.Context) (*logsRequest, error) {
	r := &logsRequest{node: c.String("nodeAddress"), size: c.Int64("size")}
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

// keep applies -containerId, -am; AM containers are number 1 of an attempt.
func (r *logsRequest) keep(all []found) []found {
	var out []found
	latest := int32(0)
	for _, f := range all {
		if f.id.Seq == 1 {
			latest = max(latest, f.id.Attempt.Attempt)
		}
	}
	for _, f := range all {
		if !r.container.IsZero() && f.id != r.container {
			continue
		}
		if r.amFilter() {
			isAM := f.id.Seq == 1
			n := f.id.Attempt.Attempt
			if !isAM || !(r.amAll || (r.amLatest && n == latest) || slices.Contains(r.am, n)) {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

func printLogs(s *session, r *logsRequest) error {
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
	want := r.keep(all)
	if len(want) == 0 {
		switch {
		case !r.container.IsZero():
			return fail(exitFailure, "Can not find the container:%s in any NodeManager of the application:%s", r.container, r.app)
		case r.amFilter():
			return fail(exitFailure, "Can not find the AM container logs of the application:%s", r.app)
		}
		return fail(exitFailure, "Can not find the logs for the application: %s with the appOwner: %s", r.app, s.client.User())
	}
	printed := 0
	for _, f := range want {
		printed += printContainerLogs(s, r, f)
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
