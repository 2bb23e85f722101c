package cluster

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// Nodes lists every node the RM knows.
func (c *Cluster) Nodes() []yarn.Node {
	c.t.Helper()
	var r yarn.NodesResponse
	if code, body := c.Do("GET", "/ws/v1/cluster/nodes", nil, &r); code != 200 {
		c.t.Fatalf("GET nodes: %d %s", code, body)
	}
	return r.Nodes.Node
}

// App fetches one application.
func (c *Cluster) App(id string) yarn.App {
	c.t.Helper()
	var r yarn.AppResponse
	if code, body := c.Do("GET", "/ws/v1/cluster/apps/"+id, nil, &r); code != 200 {
		c.t.Fatalf("GET app %s: %d %s", id, code, body)
	}
	return r.App
}

// WaitForState waits until app id reaches one of states and returns it.
func (c *Cluster) WaitForState(id string, timeoutSec int, states ...api.AppState) yarn.App {
	c.t.Helper()
	var app yarn.App
	c.WaitFor(fmt.Sprintf("%s in %v", id, states), secs(timeoutSec), func() (bool, string) {
		app = c.App(id)
		for _, s := range states {
			if app.State == s {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%s/%s %q", app.State, app.FinalStatus, app.Diagnostics)
	})
	return app
}

// DShell describes a distributed-shell application.
type DShell struct {
	Command    string // shell command each container runs
	Containers int
	MemoryMB   int64 // per container, default 1024
	Name       string
	User       string
}

// SubmitDShell submits a distributed-shell application over plain REST, as
// a curl user would: new-application, stage the appmaster binary in the
// staging dir, POST the submission context. It returns the application id.
func (c *Cluster) SubmitDShell(d DShell) string {
	c.t.Helper()
	var na yarn.NewApplicationResponse
	if code, body := c.Do("POST", "/ws/v1/cluster/apps/new-application", nil, &na); code != 200 {
		c.t.Fatalf("new-application: %d %s", code, body)
	}
	id := na.ApplicationID.String()
	staged := filepath.Join(c.Staging, id, "appmaster")
	if err := copyFile(filepath.Join(c.Bin, "appmaster"), staged); err != nil {
		c.t.Fatal(err)
	}
	if d.MemoryMB == 0 {
		d.MemoryMB = 1024
	}
	if d.Name == "" {
		d.Name = "dshell"
	}
	if d.User == "" {
		d.User = "tester"
	}
	cmd := fmt.Sprintf("./appmaster shell --shell-command %s --num-containers %d --container-memory %d 1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr",
		shellQuote(d.Command), d.Containers, d.MemoryMB)
	body := map[string]any{
		"application-id": id, "application-name": d.Name, "application-type": "YARN", "max-app-attempts": 1,
		"resource": map[string]any{"memory": 1024, "vCores": 1},
		"am-container-spec": map[string]any{
			"commands": map[string]any{"command": cmd},
			"local-resources": map[string]any{"entry": []any{map[string]any{
				"key": "appmaster", "value": map[string]any{"resource": "file://" + staged, "type": "FILE", "visibility": "APPLICATION"},
			}}},
		},
	}
	if code, resp := c.Do("POST", "/ws/v1/cluster/apps?user.name="+d.User, body, nil); code != 202 {
		raw, _ := json.Marshal(body)
		c.t.Fatalf("submit: %d %s (body %s)", code, resp, raw)
	}
	return id
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
