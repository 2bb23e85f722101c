package goyarn

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/logagg"
	"github.com/goyarn/goyarn/api/objstore"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

// remoteAppLogDir is where aggregated logs are read: the flag (or its
// GOYARN_REMOTE_APP_LOG_DIR), else the layout's remote-app-log-dir.
func remoteAppLogDir(flag string) string {
	if flag = strings.TrimSpace(flag); flag != "" {
		return flag
	}
	if cl, err := client.LoadLayout(os.Getenv); err == nil {
		return cl.RemoteAppLogDir
	}
	return ""
}

// aggregationPoll is the pause between application reports while waiting
// for log aggregation to end.
const aggregationPoll = 500 * time.Millisecond

// waitAggregation waits (up to r.aggWait) until app's log aggregation
// status is final and returns the last report.
func waitAggregation(s *session, r *logsRequest, app yarn.App) yarn.App {
	deadline := time.Now().Add(r.aggWait)
	said := false
	for !api.LogAggregationStatus(app.LogAggregationStatus).Final() && time.Now().Before(deadline) {
		if !said {
			fmt.Fprintf(s.errw, "Waiting up to %s for the log aggregation of %s to finish (now %s)…\n",
				r.aggWait, r.app, app.LogAggregationStatus)
			said = true
		}
		t := time.NewTimer(aggregationPoll)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return app
		case <-t.C:
		}
		next, err := s.client.App(s.ctx, r.app)
		if err != nil {
			return app
		}
		app = next
	}
	return app
}

// aggregatedSource reads an application's aggregated logs.
type aggregatedSource struct {
	store *objstore.Client
	dir   string
	user  string
	nodes []logagg.NodeLogs
}

func openAggregated(s *session, dir, user string, app api.ApplicationID) (*aggregatedSource, error) {
	cfg, err := client.ObjectStore(os.Getenv)
	if err != nil {
		return nil, err
	}
	st, err := objstore.New(cfg)
	if err != nil {
		return nil, err
	}
	nodes, err := logagg.Nodes(s.ctx, st, dir, user, app)
	if err != nil {
		return nil, err
	}
	return &aggregatedSource{store: st, dir: dir, user: user, nodes: nodes}, nil
}

// printAggregated prints every selected file of the aggregated logs, node
// object by node object (as Hadoop's LogCLIHelpers does), and returns the
// containers it printed files of, and how many files it printed.
func printAggregated(s *session, r *logsRequest, src *aggregatedSource, keep func(api.ContainerID, api.NodeID) bool) (map[api.ContainerID]bool, int) {
	seen := map[api.ContainerID]bool{}
	seenFiles := map[api.ContainerID]map[string]bool{}
	printed := 0
	for _, n := range src.nodes {
		node, _ := api.ParseNodeID(n.Node)
		err := logagg.ScanNode(s.ctx, src.store, n, func(f logagg.File, body io.Reader) error {
			if !keep(f.Container, node) {
				return nil
			}
			if seenFiles[f.Container] == nil {
				seenFiles[f.Container] = map[string]bool{}
			}
			seenFiles[f.Container][f.Name] = true
			seen[f.Container] = true
			if r.files != nil && !contains(r.files, f.Name) {
				return nil
			}
			if err := printAggregatedFile(s, r, f, n.Node, body); err != nil {
				return err
			}
			printed++
			return nil
		})
		if err != nil {
			fmt.Fprintf(s.errw, "WARNING: could not read the aggregated logs of node %s (%s): %v\n", n.Node, n.URL, err)
		}
	}
	if r.files != nil {
		for cid, have := range seenFiles {
			var missing []string
			for _, name := range r.files {
				if !have[name] {
					missing = append(missing, name)
				}
			}
			if len(missing) > 0 {
				fmt.Fprintf(s.errw, "Can not find any log file matching the pattern: %s for the container: %s within the application: %s\n",
					javaList(missing), cid, r.app)
			}
		}
	}
	return seen, printed
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// printAggregatedFile prints one file in Hadoop's format, honouring -size.
func printAggregatedFile(s *session, r *logsRequest, f logagg.File, node string, body io.Reader) error {
	containerStr := fmt.Sprintf("Container: %s on %s", f.Container, strings.ReplaceAll(node, ":", "_"))
	fmt.Fprintf(s.out, "%s\nLogAggregationType: %s\n%s\nLogType:%s\nLogLastModifiedTime:%s\nLogLength:%d\nLogContents:\n",
		containerStr, yarn.LogAggregationAggregated, strings.Repeat("=", len(containerStr)), f.Name,
		yarn.FormatLogTime(f.ModTime), f.Size)
	start, length := int64(0), f.Size
	switch {
	case r.size > 0:
		length = min(r.size, f.Size)
	case r.size < 0:
		length = min(-r.size, f.Size)
		start = f.Size - length
	}
	if _, err := io.CopyN(io.Discard, body, start); err != nil {
		return err
	}
	_, err := io.CopyN(s.out, body, length)
	end := "End of LogType:" + f.Name
	fmt.Fprintf(s.out, "\n%s\n%s\n\n", end, strings.Repeat("*", len(end)+50))
	return err
}
