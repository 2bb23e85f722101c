package cluster

import (
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/zookeeper"
)

// HAOptions shape an HA test cluster: a real ZooKeeper ensemble, several
// RMs electing an active one, and NodeManagers that know them all.
type HAOptions struct {
	Options
	RMs            int           // default 3
	ZKServers      int           // default 3
	SessionTimeout time.Duration // ZooKeeper session timeout, default 2 s
	RecoveryGrace  time.Duration // default 1 s
}

// HACluster is a running HA test cluster.
type HACluster struct {
	*Cluster
	ZK      *zookeeper.Ensemble
	haOpts  HAOptions
	rmPorts [][2]string // per RM: web, rpc address
}

// StartHA starts a ZooKeeper ensemble, opts.RMs RMs (rm1, rm2, …) on
// loopback ports chosen up front (each RM knows every other's), waits for
// one of them to be active, then starts the NodeManagers.
func StartHA(t testing.TB, opts HAOptions) *HACluster {
	t.Helper()
	if opts.RMs == 0 {
		opts.RMs = 3
	}
	if opts.ZKServers == 0 {
		opts.ZKServers = 3
	}
	if opts.SessionTimeout == 0 {
		opts.SessionTimeout = 2 * time.Second
	}
	if opts.RecoveryGrace == 0 {
		opts.RecoveryGrace = time.Second
	}
	zk := zookeeper.Start(t, zookeeper.Options{Servers: opts.ZKServers})
	h := &HACluster{Cluster: newCluster(t, opts.Options), ZK: zk, haOpts: opts}
	ports := freePorts(t, 2*opts.RMs)
	for i := 0; i < opts.RMs; i++ {
		web, rpc := "127.0.0.1:"+ports[2*i], "127.0.0.1:"+ports[2*i+1]
		h.rmPorts = append(h.rmPorts, [2]string{web, rpc})
		h.webs = append(h.webs, web)
		h.rmRPCs = append(h.rmRPCs, rpc)
	}
	for i := 0; i < opts.RMs; i++ {
		h.RMs = append(h.RMs, h.startRM(i))
	}
	h.RM = h.RMs[0]
	h.WaitActive(-1, 30*time.Second)
	h.startNMs()
	return h
}

// startRM starts RM i (rm<i+1>) on its ports.
func (h *HACluster) startRM(i int) *Process {
	h.t.Helper()
	args := append(h.rmArgs(),
		"--ha-id", fmt.Sprintf("rm%d", i+1), "--recovery", "zookeeper", "--zk-address", strings.Join(h.ZK.Addrs(), ","),
		"--zk-session-timeout", h.haOpts.SessionTimeout.String(), "--recovery-grace", h.haOpts.RecoveryGrace.String(),
		"--web-address", h.rmPorts[i][0], "--rpc-address", h.rmPorts[i][1],
		"--rm-rpc-addresses", strings.Join(h.rmRPCs, ","), "--rm-web-addresses", strings.Join(h.webs, ","))
	return startProcess(h.t, h.Dir, fmt.Sprintf("rm%d", i+1), filepath.Join(h.Bin, "resourcemanager"), args, nil, 60*time.Second)
}

// RestartRM starts RM i again (after Kill or Stop) on the same ports.
func (h *HACluster) RestartRM(i int) {
	h.t.Helper()
	h.RMs[i] = h.startRM(i)
}

// WebOf is RM i's web host:port.
func (h *HACluster) WebOf(i int) string { return h.webs[i] }

// Masters is the --master value naming every RM: rm1=host:port,…
func (h *HACluster) Masters() string {
	var parts []string
	for i, w := range h.webs {
		parts = append(parts, fmt.Sprintf("rm%d=%s", i+1, w))
	}
	return strings.Join(parts, ",")
}

// Active returns the index of the RM that answers /isActive with 200, or -1.
func (h *HACluster) Active() int { return h.activeIndex() }

// WaitActive waits for an active RM other than not (-1: any) and returns it.
func (h *HACluster) WaitActive(not int, timeout time.Duration) int {
	h.t.Helper()
	active := -1
	h.WaitFor("an active ResourceManager", timeout, func() (bool, string) {
		active = h.activeIndex()
		return active >= 0 && active != not, fmt.Sprintf("active: %d", active)
	})
	return active
}

// activeIndex asks every running RM whether it is active.
func (c *Cluster) activeIndex() int {
	cl := &http.Client{Timeout: time.Second}
	for i, rm := range c.RMs {
		if rm.Exited() {
			continue
		}
		res, err := cl.Get("http://" + c.webs[i] + "/isActive")
		if err != nil {
			continue
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return i
		}
	}
	return -1
}

// freePorts reserves n loopback ports by listening on port 0, and frees
// them for the daemons about to use them.
func freePorts(t testing.TB, n int) []string {
	t.Helper()
	var lns []net.Listener
	var ports []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		_, p, _ := net.SplitHostPort(ln.Addr().String())
		ports = append(ports, p)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}
