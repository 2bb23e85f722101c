package netsim

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

// The program Command starts is the pid the caller holds, runs in the host's
// network namespace, in Host.Root, with TMPDIR under it.
func TestCommandRunsProgramAsItsOwnPid(t *testing.T) {
	t.Parallel()
	n := New(t, Options{})
	a := n.AddHost("a")
	cmd := a.Command(t.Context(), "sh", "-c", `echo $$; readlink /proc/self/ns/net; pwd; echo "$TMPDIR"`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 4 {
		t.Fatalf("output %q", out)
	}
	if lines[0] != strconv.Itoa(cmd.Process.Pid) {
		t.Errorf("program's pid %s, cmd.Process.Pid %d: the exec chain forked", lines[0], cmd.Process.Pid)
	}
	self, _ := os.Readlink("/proc/self/ns/net")
	if lines[1] == self {
		t.Errorf("program runs in the test's network namespace %s", self)
	}
	if lines[2] != a.Root || lines[3] != filepath.Join(a.Root, "tmp") {
		t.Errorf("cwd %q TMPDIR %q, want %q and its tmp/", lines[2], lines[3], a.Root)
	}
}

// Hosts reach each other's addresses, never each other's loopback, and the
// caller's namespace gets no interface, address or route of theirs.
func TestHostsTalkOnlyOverTheSwitch(t *testing.T) {
	t.Parallel()
	n := New(t, Options{})
	a, b := n.AddHost("a"), n.AddHost("b")
	if a.IP == b.IP || !n.Subnet.Contains(netip.MustParseAddr(a.IP)) || !n.Subnet.Contains(netip.MustParseAddr(b.IP)) {
		t.Fatalf("addresses %s, %s in %s", a.IP, b.IP, n.Subnet)
	}
	echo := startHelper(t, a, "echo", "echo", readyPath(a, "echo"), a.Addr(7000), "127.0.0.1:7001")
	if pid := readPidFile(t, readyPath(a, "echo")); pid != echo.Pid() {
		t.Errorf("echo reports pid %d, Proc.Pid %d", pid, echo.Pid())
	}

	if out, err := dial(t, b, a.Addr(7000), testenv.Scaled(10*time.Second)); err != nil || out != "echo: ping\n" {
		t.Errorf("b -> %s: %v %q", a.Addr(7000), err, out)
	}
	if out, err := dial(t, a, "127.0.0.1:7001", testenv.Scaled(10*time.Second)); err != nil {
		t.Errorf("a -> its own 127.0.0.1:7001: %v %q", err, out)
	}
	if out, err := dial(t, b, "127.0.0.1:7001", testenv.Scaled(10*time.Second)); err == nil {
		t.Errorf("b reached a's loopback listener through its own 127.0.0.1: %q", out)
	}
	if out, err := dial(t, b, a.Addr(7001), testenv.Scaled(10*time.Second)); err == nil {
		t.Errorf("b reached a's loopback listener at a's address: %q", out)
	}
	if log := testenv.Tail(echo.LogPath, 5); !strings.Contains(log, "listening on "+a.Addr(7000)) {
		t.Errorf("echo's log %s: %q", echo.LogPath, log)
	}

	// Both ends of every veth are in our namespaces; the caller's namespace
	// has no address or route in the subnet; the bridge has no address.
	for _, h := range []*Host{a, b} {
		out, err := exec.Command(n.tools.ip, "-n", h.NetNS, "-o", "link", "show", hostIf).CombinedOutput()
		words := " " + strings.Join(strings.Fields(string(out)), " ") + " "
		if err != nil || !strings.Contains(words, " link-netns "+n.SwitchNS()+" ") {
			t.Errorf("%s's %s is not peered into the switch namespace: %v %s", h.Name, hostIf, err, out)
		}
	}
	// The caller's namespace has no address in the subnet and no route
	// to it but netsim's blackhole: nothing it sends there leaves the
	// machine.
	for _, a := range localAddrs(t) {
		if n.Subnet.Contains(a) {
			t.Errorf("caller's namespace has the address %s in the hosts' subnet %s", a, n.Subnet)
		}
	}
	routes, err := exec.Command(n.tools.ip, "-4", "route", "show", "table", "all").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(routes), "\n") {
		if p, ok := routePrefix(line); ok && p.Overlaps(n.Subnet) && !strings.HasPrefix(line, "blackhole ") {
			t.Errorf("caller's namespace routes the hosts' subnet %s: %s", n.Subnet, line)
		}
	}
	if !strings.Contains(string(routes), "blackhole "+n.Subnet.String()) {
		t.Errorf("no blackhole route for %s in the caller's namespace:\n%s", n.Subnet, routes)
	}
	if out, err := exec.Command(n.tools.ip, "-n", n.SwitchNS(), "-4", "-o", "addr").CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("switch namespace has IPv4 addresses: %v %q", err, out)
	}
}

// An isolated host can neither be reached nor reach others; after Rejoin it
// can again.
func TestIsolateAndRejoin(t *testing.T) {
	t.Parallel()
	n := New(t, Options{})
	a, b := n.AddHost("a"), n.AddHost("b")
	startHelper(t, a, "echo", "echo", readyPath(a, "echo"), a.Addr(7000))
	readPidFile(t, readyPath(a, "echo"))
	if out, err := dial(t, b, a.Addr(7000), testenv.Scaled(10*time.Second)); err != nil {
		t.Fatalf("before Isolate: %v %q", err, out)
	}

	a.Isolate()
	// The port is down, so no packet can pass: a short timeout cannot turn
	// a busy machine into a false failure here.
	if out, err := dial(t, b, a.Addr(7000), 500*time.Millisecond); err == nil {
		t.Errorf("b reached isolated a: %q", out)
	}
	startHelper(t, b, "echo", "echo", readyPath(b, "echo"), b.Addr(7000))
	readPidFile(t, readyPath(b, "echo"))
	if out, err := dial(t, a, b.Addr(7000), 500*time.Millisecond); err == nil {
		t.Errorf("isolated a reached b: %q", out)
	}
	if out, err := dial(t, a, a.Addr(7000), testenv.Scaled(10*time.Second)); err != nil {
		t.Errorf("isolated a cannot reach itself: %v %q", err, out)
	}

	a.Rejoin()
	var last string
	waitFor(t, "b to reach a after Rejoin", 30*time.Second, func() bool {
		out, err := dial(t, b, a.Addr(7000), testenv.Scaled(2*time.Second))
		last = out
		return err == nil
	})
	if out, err := dial(t, a, b.Addr(7000), testenv.Scaled(10*time.Second)); err != nil {
		t.Errorf("a -> b after Rejoin: %v %q (b -> a said %q)", err, out, last)
	}
}

// Each host's processes see only their own root under Network.Dir, at the
// same path everywhere; the test process sees all of them.
func TestPrivateFilesystem(t *testing.T) {
	t.Parallel()
	n := New(t, Options{})
	a, b := n.AddHost("a"), n.AddHost("b")
	secretA := filepath.Join(a.Root, "state", "secret")
	secretB := filepath.Join(b.Root, "state", "secret")
	write := `mkdir -p "$(dirname "$1")" && echo "$2" > "$1"`
	if out, err := runOn(t, a, "sh", "-c", write, "sh", secretA, "from-a"); err != nil {
		t.Fatalf("a writes its root: %v %s", err, out)
	}
	if out, err := runOn(t, b, "sh", "-c", write, "sh", secretB, "from-b"); err != nil {
		t.Fatalf("b writes its root: %v %s", err, out)
	}

	// The test process sees both, at their real paths.
	for path, want := range map[string]string{secretA: "from-a\n", secretB: "from-b\n"} {
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("test process reads %s: %q %v", path, got, err)
		}
	}

	// Neither host sees the other's root: not by path, not by listing.
	look := `ls -A "$1"; cat "$2" 2>&1 || echo cannot-read; cat "$3" 2>&1 || echo cannot-read-own`
	for _, c := range []struct {
		h           *Host
		own, others string
	}{{a, secretA, secretB}, {b, secretB, secretA}} {
		out, err := runOn(t, c.h, "sh", "-c", look, "sh", n.Dir, c.others, c.own)
		if err != nil {
			t.Fatalf("%s looks around: %v %s", c.h.Name, err, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 || lines[0] != c.h.Name || !strings.Contains(lines[1], "No such file") ||
			lines[2] != "cannot-read" || lines[3] != "from-"+c.h.Name {
			t.Errorf("host %s: want only its own root under %s, the other's secret missing, its own readable; got:\n%s", c.h.Name, n.Dir, out)
		}
	}

	// Nor can a host create the other's root: the tmpfs over Network.Dir is read-only.
	if out, err := runOn(t, b, "sh", "-c", `mkdir -p "$1"`, "sh", filepath.Join(a.Root, "state")); err == nil {
		t.Errorf("b created %s: %s", filepath.Join(a.Root, "state"), out)
	}
	// The working directory is re-resolved on the host: another host's root is refused.
	cmd := b.Command(t.Context(), "true")
	cmd.Dir = a.Root
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "not visible on host b") {
		t.Errorf("b started in a's root: %v %q", err, out)
	}

	// A long-running process on a sees a later write by another process on a.
	p := startHelper(t, a, "sleeper", "sleep", readyPath(a, "sleeper"))
	readPidFile(t, readyPath(a, "sleeper")) // its view is set up once it runs
	if out, err := runOn(t, a, "sh", "-c", write, "sh", filepath.Join(a.Root, "later"), "later"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if got, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.Pid()), "root", a.Root, "later")); err != nil || string(got) != "later\n" {
		t.Errorf("a's running process does not see a's later file: %q %v", got, err)
	}
	// And a process started later on a still sees what the first one wrote.
	if out, err := runOn(t, a, "cat", secretA); err != nil || out != "from-a\n" {
		t.Errorf("a later process reads %s: %v %q", secretA, err, out)
	}
}

// The test itself reaches a host's listener through another host's
// DialContext. (It never dials a host address from its own namespace: that
// namespace routes such an address to the real network.)
func TestDialFromHost(t *testing.T) {
	n := New(t, Options{})
	a, b := n.AddHost("a"), n.AddHost("b")
	startHelper(t, a, "echo", "echo", readyPath(a, "echo"), a.Addr(7001))
	readPidFile(t, readyPath(a, "echo"))
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(20*time.Second))
	defer cancel()
	var conn net.Conn
	for {
		c, err := b.DialContext(ctx, "tcp", a.Addr(7001))
		if err == nil {
			conn = c
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("dial from b: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	var buf []byte
	buf = make([]byte, len("ping\n"))
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "ping\n" {
		t.Fatalf("echo: %q %v", buf, err)
	}
}

// localAddrs lists the caller's interface addresses.
func localAddrs(t *testing.T) []netip.Addr {
	t.Helper()
	as, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	var out []netip.Addr
	for _, a := range as {
		if ipn, ok := a.(*net.IPNet); ok {
			if ad, ok := netip.AddrFromSlice(ipn.IP); ok {
				out = append(out, ad.Unmap())
			}
		}
	}
	return out
}
