package netsim

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

const (
	// DefaultPrefix is the family of namespace names when Options.Prefix is empty.
	DefaultPrefix = "gynet"
	// RequireEnv set to 1 turns New's skip (not root, no `ip netns`) into a failure.
	RequireEnv = "GOYARN_REQUIRE_NETNS"

	netnsDir       = "/run/netns"
	commandTimeout = 30 * time.Second // for one `ip` command, before scaling
	killTimeout    = 30 * time.Second // for processes to vanish after SIGKILL, before scaling
	defaultGrace   = 5 * time.Second  // SIGTERM to SIGKILL in Stop, before scaling
	bridge         = "br0"
	hostIf         = "eth0"
)

// Options shape a Network. The zero value is fine.
type Options struct {
	// Subnet is the hosts' IPv4 /24, "10.213.7.0/24" or just "10.213.7".
	// Empty picks the first of 10.213.7.0/24, 10.213.23.0/24, … that overlaps
	// no address or route of the caller's namespace; a given Subnet that
	// overlaps one fails the test. Hosts get .11, .12, … in AddHost order.
	Subnet string
	// Prefix is the family of namespace names, [a-z0-9]{1,10}; default
	// DefaultPrefix. New removes leftovers of this family whose creating
	// process is dead.
	Prefix string
	// StopGrace is how long Proc.Stop waits after SIGTERM before SIGKILL;
	// default 5 s. It is scaled by GOYARN_TEST_TIMEOUT_SCALE.
	StopGrace time.Duration
}

// Network is one test's set of simulated hosts joined by one switch.
type Network struct {
	Name   string       // unique on the machine: <prefix>-<pid>-<n>
	Dir    string       // every host's root is Dir/<host>
	Subnet netip.Prefix // the hosts' /24

	t        testing.TB
	tools    tools
	grace    time.Duration
	base     string // parent of Dir; holds the empty staging mount point .stage
	switchNS string

	mu    sync.Mutex
	hosts []*Host
}

// tools are the absolute paths of the programs netsim runs.
type tools struct{ ip, unshare, sh, mount, mkdir string }

var (
	networkCount atomic.Int64
	validPrefix  = regexp.MustCompile(`^[a-z0-9]{1,10}$`)
)

// New creates a Network whose namespaces, interfaces and processes are all
// removed when t ends, also when it fails. It skips t (or fails it, with
// GOYARN_REQUIRE_NETNS=1) when simulated hosts are impossible here.
func New(t testing.TB, opts Options) *Network {
	t.Helper()
	tl := requireNetNS(t)
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if !validPrefix.MatchString(opts.Prefix) {
		t.Fatalf("netsim: prefix %q: want [a-z0-9]{1,10}", opts.Prefix)
	}
	if opts.StopGrace <= 0 {
		opts.StopGrace = defaultGrace
	}
	removeStale(t, tl.ip, opts.Prefix)
	removeStaleBlackholes(tl.ip)
	used, err := localPrefixes(tl.ip)
	if err != nil {
		t.Fatalf("netsim: reading this namespace's addresses and routes: %v", err)
	}
	var subnet netip.Prefix
	for {
		if subnet, err = pickSubnet(opts.Subnet, used); err != nil {
			t.Fatalf("netsim: %v", err)
		}
		claimed, err := claimSubnet(tl.ip, subnet, os.Getpid())
		if err != nil {
			t.Fatalf("netsim: %v", err)
		}
		if claimed {
			break
		}
		if opts.Subnet != "" {
			t.Fatalf("netsim: subnet %s is taken by another network", subnet)
		}
		used = append(used, subnet) // claimed meanwhile by another network
	}
	t.Cleanup(func() {
		if err := releaseSubnet(tl.ip, subnet, os.Getpid()); err != nil {
			t.Errorf("netsim: %v", err)
		}
	})
	base := t.TempDir()
	n := &Network{
		Name:   fmt.Sprintf("%s-%d-%d", opts.Prefix, os.Getpid(), networkCount.Add(1)),
		Dir:    filepath.Join(base, "hosts"),
		Subnet: subnet,
		t:      t,
		tools:  tl,
		grace:  testenv.Scaled(opts.StopGrace),
		base:   base,
	}
	n.switchNS = n.Name + "-sw"
	for _, d := range []string{n.Dir, filepath.Join(base, ".stage")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Registered before anything exists, so a failure below still cleans up;
	// after t.TempDir's cleanup, so it runs before the roots are removed.
	t.Cleanup(n.teardown)
	n.mustIP("netns", "add", n.switchNS)
	n.mustIP("-n", n.switchNS, "link", "add", bridge, "type", "bridge", "forward_delay", "0")
	n.mustIP("-n", n.switchNS, "link", "set", bridge, "up")
	return n
}

// Hosts returns the hosts in the order they were added.
func (n *Network) Hosts() []*Host {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Host(nil), n.hosts...)
}

// SwitchNS is the name of the network namespace holding the bridge.
func (n *Network) SwitchNS() string { return n.switchNS }

// teardown stops every process, then deletes every namespace.
func (n *Network) teardown() {
	hosts := n.Hosts()
	var wg sync.WaitGroup
	for _, h := range hosts {
		for _, p := range h.Procs() {
			wg.Go(p.Stop)
		}
	}
	wg.Wait()
	for _, h := range hosts {
		if left := killNetNS(nsPath(h.NetNS), testenv.Scaled(killTimeout)); len(left) > 0 {
			n.t.Errorf("netsim: processes %v on host %s survive SIGKILL", left, h.Name)
		}
	}
	for _, h := range hosts {
		n.deleteNS(h.NetNS)
	}
	n.deleteNS(n.switchNS)
}

// deleteNS removes a namespace of ours if it exists; its veth goes with it.
func (n *Network) deleteNS(name string) {
	if _, err := os.Stat(nsPath(name)); err != nil {
		return
	}
	if out, err := n.runIP("netns", "delete", name); err != nil {
		n.t.Errorf("netsim: ip netns delete %s: %v: %s", name, err, out)
	}
}

func nsPath(name string) string { return filepath.Join(netnsDir, name) }

func (n *Network) runIP(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(commandTimeout))
	defer cancel()
	return exec.CommandContext(ctx, n.tools.ip, args...).CombinedOutput()
}

func (n *Network) mustIP(args ...string) {
	n.t.Helper()
	if out, err := n.runIP(args...); err != nil {
		n.t.Fatalf("netsim: ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
}

// requireNetNS finds the programs netsim needs, or skips t saying why.
func requireNetNS(t testing.TB) tools {
	t.Helper()
	var tl tools
	reason := ""
	if os.Geteuid() != 0 {
		reason = "not root"
	} else {
		for _, p := range []struct {
			dst  *string
			name string
		}{{&tl.ip, "ip"}, {&tl.unshare, "unshare"}, {&tl.sh, "sh"}, {&tl.mount, "mount"}, {&tl.mkdir, "mkdir"}} {
			path, err := exec.LookPath(p.name)
			if err != nil {
				reason = p.name + " not found"
				break
			}
			*p.dst = path
		}
		if reason == "" {
			if out, err := exec.Command(tl.ip, "netns", "list").CombinedOutput(); err != nil {
				reason = fmt.Sprintf("ip netns list: %v: %s", err, bytes.TrimSpace(out))
			}
		}
	}
	if reason != "" {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("netsim: simulated hosts impossible (%s) and %s=1", reason, RequireEnv)
		}
		t.Skipf("netsim: skipped, simulated hosts need root and ip netns: %s", reason)
	}
	return tl
}
