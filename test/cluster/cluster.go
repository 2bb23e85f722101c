package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

// Options shape a test cluster.
type Options struct {
	NodeManagers      int           // default 2
	NodeMemoryMB      int64         // per NM, default 4096
	NodeVCores        int64         // per NM, default 4
	HeartbeatInterval time.Duration // default 500 ms
	NMExpiry          time.Duration // default 4 s
	RMArgs, NMArgs    []string      // extra flags
	// Runtime is the NMs' container runtime: "process" (the default: the
	// NM's own default, auto, would pick Docker wherever the image exists)
	// or "docker".
	Runtime string
	// DockerImage is the NMs' default image with the docker runtime.
	DockerImage string
	// AggregateLogs gives the RM and NMs --remote-app-log-dir
	// file://<Dir>/app-logs (Cluster.RemoteAppLogDir), and clients
	// GOYARN_REMOTE_APP_LOG_DIR.
	AggregateLogs bool
}

// Cluster is a running test cluster.
type Cluster struct {
	t       testing.TB
	opts    Options
	Dir     string // everything the cluster writes lives here
	Bin     string
	Secret  string
	Staging string
	RM      *Process   // the single RM, or (HA) the first one
	RMs     []*Process // every RM (HA); RMs[0] == RM
	NMs     []*Process
	http    *http.Client
	// rmRPCs are every RM's internal RPC addresses, for the NMs.
	rmRPCs []string
	// webs are every RM's web addresses, for clients.
	webs []string
	// ID is the cluster id the NMs label their Docker containers with.
	ID string
	// RemoteAppLogDir is where logs are aggregated ("" unless
	// Options.AggregateLogs).
	RemoteAppLogDir string
}

// Start builds (once) and starts an RM and opts.NodeManagers NMs, and waits
// until every NM is RUNNING in the RM's node list.
func Start(t testing.TB, opts Options) *Cluster {
	t.Helper()
	c := newCluster(t, opts)
	dir := c.Dir
	c.RM = startProcess(t, dir, "rm", filepath.Join(c.Bin, "resourcemanager"), append(c.rmArgs(),
		"--web-address", "127.0.0.1:0", "--rpc-address", "127.0.0.1:0"), nil, 30*time.Second)
	c.RMs = []*Process{c.RM}
	c.rmRPCs, c.webs = []string{c.RM.Addr("rpcAddress")}, []string{c.RM.Addr("webAddress")}
	c.startNMs()
	return c
}

// newCluster makes the cluster's directories; no process runs yet.
func newCluster(t testing.TB, opts Options) *Cluster {
	t.Helper()
	if opts.NodeManagers == 0 {
		opts.NodeManagers = 2
	}
	if opts.NodeMemoryMB == 0 {
		opts.NodeMemoryMB = 4096
	}
	if opts.NodeVCores == 0 {
		opts.NodeVCores = 4
	}
	if opts.HeartbeatInterval == 0 {
		opts.HeartbeatInterval = 500 * time.Millisecond
	}
	if opts.NMExpiry == 0 {
		opts.NMExpiry = 4 * time.Second
	}
	if opts.Runtime == "" {
		opts.Runtime = "process"
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{t: t, opts: opts, Dir: dir, Bin: Binaries(t), Secret: filepath.Join(dir, "cluster-secret"),
		Staging: filepath.Join(dir, "staging"), http: &http.Client{Timeout: 10 * time.Second},
		ID: fmt.Sprintf("e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	if err := os.MkdirAll(c.Staging, 0o755); err != nil {
		t.Fatal(err)
	}
	if opts.AggregateLogs {
		c.RemoteAppLogDir = "file://" + filepath.Join(dir, "app-logs")
		c.opts.RMArgs = append([]string{"--remote-app-log-dir", c.RemoteAppLogDir}, opts.RMArgs...)
		c.opts.NMArgs = append([]string{"--remote-app-log-dir", c.RemoteAppLogDir}, opts.NMArgs...)
	}
	t.Cleanup(c.cleanup)
	return c
}

// rmArgs are the flags every RM of the cluster gets.
func (c *Cluster) rmArgs() []string {
	return append([]string{"--cluster-secret-file", c.Secret, "--heartbeat-interval", c.opts.HeartbeatInterval.String(),
		"--nm-expiry", c.opts.NMExpiry.String(), "--staging-dir", c.Staging}, c.opts.RMArgs...)
}

// startNMs starts the NodeManagers and waits until the RM lists them all
// RUNNING.
func (c *Cluster) startNMs() {
	c.t.Helper()
	opts := c.opts
	for i := range opts.NodeManagers {
		c.NMs = append(c.NMs, c.StartNM(i))
	}
	c.WaitFor("every NodeManager RUNNING", 30*time.Second, func() (bool, string) {
		nodes := c.Nodes()
		running := 0
		for _, n := range nodes {
			if n.State == "RUNNING" {
				running++
			}
		}
		return running == opts.NodeManagers, fmt.Sprintf("%d of %d running: %+v", running, opts.NodeManagers, nodes)
	})
}

// StartNM starts NodeManager i with its own directories, or restarts it:
// a restarted NM keeps its RPC port, so it is the same node (same NodeID).
func (c *Cluster) StartNM(i int) *Process {
	c.t.Helper()
	nd := filepath.Join(c.Dir, fmt.Sprintf("nm%d", i))
	name := fmt.Sprintf("nm%d", i)
	rpcAddr := "127.0.0.1:0"
	if i < len(c.NMs) {
		rpcAddr = c.NMs[i].Addr("rpcAddress")
	}
	p := startProcess(c.t, c.Dir, name, filepath.Join(c.Bin, "nodemanager"), append([]string{
		"--rm-addresses", strings.Join(c.rmRPCs, ","), "--rpc-address", rpcAddr, "--web-address", "127.0.0.1:0",
		"--memory-mb", fmt.Sprint(c.opts.NodeMemoryMB), "--vcores", fmt.Sprint(c.opts.NodeVCores),
		"--local-dirs", filepath.Join(nd, "local"), "--log-dirs", filepath.Join(nd, "logs"),
		"--state-dir", filepath.Join(nd, "state"), "--staging-dir", c.Staging, "--cluster-secret-file", c.Secret,
		"--min-free-disk-mb", "1", "--cluster-id", c.ID,
	}, append(c.runtimeArgs(), c.opts.NMArgs...)...), nil, 30*time.Second)
	if i < len(c.NMs) {
		c.NMs[i] = p
	}
	return p
}

// Web is the active RM's REST base URL (the only RM's, without HA).
func (c *Cluster) Web() string {
	if len(c.RMs) > 1 {
		if i := c.activeIndex(); i >= 0 {
			return "http://" + c.webs[i]
		}
	}
	return "http://" + c.webs[0]
}

// Env is the environment a client needs to reach this cluster: every RM.
func (c *Cluster) Env() []string {
	env := []string{"GOYARN_RM_ADDRESSES=" + strings.Join(c.webs, ","), "GOYARN_STAGING_DIR=" + c.Staging,
		"GOYARN_CONF_DIR=" + filepath.Join(c.Dir, "conf")}
	if c.RemoteAppLogDir != "" {
		env = append(env, "GOYARN_REMOTE_APP_LOG_DIR="+c.RemoteAppLogDir)
	}
	return env
}

func (c *Cluster) cleanup() {
	if c.t.Failed() {
		// A failed test's daemons print their goroutines (SIGQUIT) into
		// their logs first: a hang shows where it hangs.
		for _, p := range append(append([]*Process(nil), c.RMs...), c.NMs...) {
			if p != nil && !p.Exited() {
				_ = syscall.Kill(p.Pid(), syscall.SIGQUIT)
				_ = p.Wait(5 * time.Second)
			}
		}
	}
	for _, nm := range c.NMs {
		_ = nm.Stop(10 * time.Second)
	}
	for _, rm := range c.RMs {
		_ = rm.Stop(10 * time.Second)
	}
	if c.opts.Runtime == "docker" {
		if left := removeContainers(c.ID); len(left) > 0 {
			c.t.Logf("removed %d Docker containers left behind: %v", len(left), left)
		}
	}
	if strays := killStrays(c.Dir); len(strays) > 0 {
		c.t.Logf("killed %d container processes left behind: %v", len(strays), strays)
	}
	if c.t.Failed() {
		for _, p := range append(append([]*Process(nil), c.RMs...), c.NMs...) {
			if p != nil {
				c.t.Logf("--- last lines of %s (%s) ---\n%s", p.Name, p.LogPath, testenv.Tail(p.LogPath, 40))
			}
		}
	}
}

// Do sends a REST request to the RM and decodes a JSON answer into out
// (when non-nil); it returns the status code and the raw body.
func (c *Cluster) Do(method, path string, body any, out any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.Web()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: decoding %s: %v", method, path, data, err)
		}
	}
	return res.StatusCode, data
}

// WaitFor polls cond until it holds or timeout passes; the string cond
// returns describes the last observation for the failure message.
func (c *Cluster) WaitFor(what string, timeout time.Duration, cond func() (bool, string)) {
	c.t.Helper()
	WaitFor(c.t, what, timeout, cond)
}

// WaitFor polls cond every 50 ms until it holds or timeout passes.
func WaitFor(t testing.TB, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for {
		ok, seen := cond()
		if ok {
			return
		}
		last = seen
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; last seen: %s", timeout, what, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

// Command prepares one of the cluster's client binaries (goyarn, gosubmit,
// pi, …) with the environment that points it at this cluster.
func (c *Cluster) Command(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.Bin, bin), args...)
	cmd.Env = append(os.Environ(), c.Env()...)
	cmd.Env = append(cmd.Env, "USER=tester")
	return cmd
}
