package netsim

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"github.com/goyarn/goyarn/test/testenv"
)

// Host is one simulated machine: a network namespace with Host.IP on the
// Network's switch and its own loopback, and a private root directory.
type Host struct {
	Name  string // [a-z][a-z0-9-]{0,31}, unique in its Network
	IP    string // e.g. 10.213.7.11
	Root  string // Network.Dir/<Name>: the only part of Network.Dir its processes see
	NetNS string // its network namespace, for `ip netns exec` when debugging

	net  *Network
	port string // its bridge port in the switch namespace

	mu    sync.Mutex
	procs []*Proc
}

var validHostName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// maxHosts keeps host addresses within .11 … .250 of the /24.
const maxHosts = 240

// AddHost creates a host: its network namespace, a veth from its eth0 to a
// port of the switch, its address, and its root with logs/ and tmp/. Call it
// from the goroutine of the test that created the Network.
func (n *Network) AddHost(name string) *Host {
	n.t.Helper()
	return n.addHost(name, 0)
}

// AddHostAttached is AddHost with the network namespace of process pid (`ip
// netns attach`) instead of a new one: e.g. that of a Docker container
// started with --network none, so that other containers can join the
// host's network (--network container:<id>) as Docker executors join their
// NodeManager's. The process must outlive the host; teardown kills what
// runs in the namespace, that process included.
func (n *Network) AddHostAttached(name string, pid int) *Host {
	n.t.Helper()
	if pid <= 0 {
		n.t.Fatalf("netsim: host %q: pid %d", name, pid)
	}
	return n.addHost(name, pid)
}

func (n *Network) addHost(name string, pid int) *Host {
	n.t.Helper()
	if !validHostName.MatchString(name) {
		n.t.Fatalf("netsim: host name %q: want [a-z][a-z0-9-]{0,31}", name)
	}
	n.mu.Lock()
	for _, h := range n.hosts {
		if h.Name == name {
			n.mu.Unlock()
			n.t.Fatalf("netsim: host %q added twice", name)
		}
	}
	idx := len(n.hosts) + 1
	if idx > maxHosts {
		n.mu.Unlock()
		n.t.Fatalf("netsim: more than %d hosts", maxHosts)
	}
	a := n.Subnet.Addr().As4()
	a[3] = byte(10 + idx)
	h := &Host{
		Name:  name,
		IP:    netip.AddrFrom4(a).String(),
		Root:  filepath.Join(n.Dir, name),
		NetNS: n.Name + "-h-" + name,
		net:   n,
		port:  fmt.Sprintf("p%d", idx),
	}
	// Recorded before its namespace exists, so teardown removes whatever part
	// of it a failure below leaves.
	n.hosts = append(n.hosts, h)
	n.mu.Unlock()

	for _, d := range []string{h.Root, filepath.Join(h.Root, "logs"), filepath.Join(h.Root, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			n.t.Fatal(err)
		}
	}
	if pid > 0 {
		n.mustIP("netns", "attach", h.NetNS, fmt.Sprint(pid))
	} else {
		n.mustIP("netns", "add", h.NetNS)
	}
	// Both ends are created inside our namespaces: the caller's namespace
	// never holds an interface of ours, not even for a moment.
	n.mustIP("-n", n.switchNS, "link", "add", h.port, "type", "veth", "peer", "name", hostIf, "netns", h.NetNS)
	n.mustIP("-n", n.switchNS, "link", "set", h.port, "master", bridge, "up")
	n.mustIP("-n", h.NetNS, "addr", "add", h.IP+"/24", "dev", hostIf)
	n.mustIP("-n", h.NetNS, "link", "set", hostIf, "up")
	n.mustIP("-n", h.NetNS, "link", "set", "lo", "up")
	return h
}

// Addr joins the host's IP and port: h.Addr(2181) is "10.213.7.11:2181".
func (h *Host) Addr(port int) string { return fmt.Sprintf("%s:%d", h.IP, port) }

// privateRootScript runs in the program's new mount namespace: it hides
// Network.Dir under a tmpfs that holds only this host's root, then execs the
// program in the (re-resolved) working directory. Arguments: base Dir host
// mount mkdir program args….
const privateRootScript = `set -e
base=$1 dir=$2 host=$3 mount=$4 mkdir=$5
shift 5
wd=$(pwd -P)
"$mount" --bind "$dir/$host" "$base/.stage"
"$mount" -t tmpfs -o mode=0755,size=64k netsim "$dir"
"$mkdir" "$dir/$host"
"$mount" --move "$base/.stage" "$dir/$host"
"$mount" -o remount,ro "$dir"
cd "$wd" 2>/dev/null || { echo "netsim: working directory $wd is not visible on host $host" >&2; exit 126; }
exec "$@"`

// Command prepares name with args to run on the host: in its network
// namespace and its private filesystem view, in Host.Root, with TMPDIR set to
// Host.Root/tmp and its own process group. Every step of the chain execs the
// next, so cmd.Process.Pid is the program's pid. The program is also killed
// if the test process dies (Pdeathsig), and when ctx is done, with its
// process group. Callers may change Dir (to a path visible on the host),
// Env, Stdin, Stdout and Stderr before starting it.
func (h *Host) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	tl := h.net.tools
	prog, lookErr := name, error(nil)
	if !strings.Contains(name, "/") {
		prog, lookErr = exec.LookPath(name)
	}
	chain := []string{"netns", "exec", h.NetNS,
		tl.unshare, "--mount", "--propagation", "private",
		tl.sh, "-c", privateRootScript, "netsim-" + h.Name,
		h.net.base, h.net.Dir, h.Name, tl.mount, tl.mkdir,
		prog}
	cmd := exec.CommandContext(ctx, tl.ip, append(chain, args...)...)
	cmd.Err = lookErr
	cmd.Dir = h.Root
	cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(h.Root, "tmp"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return cmd.Process.Kill()
	}
	return cmd
}

// Procs returns the processes started with Start on this host.
func (h *Host) Procs() []*Proc {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*Proc(nil), h.procs...)
}

// Pids lists every live process on the host — every process in its network
// namespace, however it was started.
func (h *Host) Pids() []int { return netnsPids(nsPath(h.NetNS)) }

// KillAll is "the host dies": SIGKILL to every process on it — those from
// Start with their process groups, and anything else in its network
// namespace — and it returns once none is left and Start's processes are
// reaped. The host's root survives, like a disk; Start works again after.
func (h *Host) KillAll() {
	procs := h.Procs()
	for _, p := range procs {
		p.signalGroup(syscall.SIGKILL)
	}
	if left := killNetNS(nsPath(h.NetNS), testenv.Scaled(killTimeout)); len(left) > 0 {
		h.net.t.Errorf("netsim: processes %v on host %s survive SIGKILL", left, h.Name)
	}
	for _, p := range procs {
		p.Kill()
	}
}

// Isolate takes the host's switch port down: a network partition. Packets
// to and from the host vanish; its loopback still works.
func (h *Host) Isolate() {
	h.net.t.Helper()
	h.net.mustIP("-n", h.net.switchNS, "link", "set", h.port, "down")
}

// Rejoin brings the host's switch port back up after Isolate.
func (h *Host) Rejoin() {
	h.net.t.Helper()
	h.net.mustIP("-n", h.net.switchNS, "link", "set", h.port, "up")
}
