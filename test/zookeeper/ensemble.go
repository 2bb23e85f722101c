package zookeeper

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Jar is where Debian's zookeeper package puts the server.
const Jar = "/usr/share/java/zookeeper.jar"

// Options shape an ensemble.
type Options struct {
	Servers int // 1 (standalone, the default) or an odd ensemble size such as 3
	// TickTime is ZooKeeper's tick: sessions may last 2..MaxSessionTimeout.
	TickTime time.Duration // default 200 ms, so the shortest session is 400 ms
	// MaxSessionTimeout is the longest session the servers grant.
	MaxSessionTimeout time.Duration // default 60 s
	// StartTimeout bounds each wait for servers to serve.
	StartTimeout time.Duration // default 90 s (JVMs start slowly on a busy machine)
	Jar          string        // default Jar
	Java         string        // default "java"
}

func (o *Options) defaults() {
	if o.Servers <= 0 {
		o.Servers = 1
	}
	if o.TickTime <= 0 {
		o.TickTime = 200 * time.Millisecond
	}
	if o.MaxSessionTimeout <= 0 {
		o.MaxSessionTimeout = 60 * time.Second
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 90 * time.Second
	}
	if o.Jar == "" {
		o.Jar = Jar
	}
	if o.Java == "" {
		o.Java = "java"
	}
}

func (o Options) classpath() string {
	cp := []string{o.Jar}
	if simple := filepath.Join(filepath.Dir(o.Jar), "slf4j-simple.jar"); fileExists(simple) {
		cp = append(cp, simple)
	}
	return strings.Join(cp, ":")
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// Ensemble is a running set of ZooKeeper servers.
type Ensemble struct {
	t       testing.TB
	opts    Options
	Dir     string
	Servers []*Server
}

// Start starts opts.Servers servers on free loopback ports and waits until
// all serve (an ensemble: every server is leader or follower). Every process
// is killed when the test ends. It skips the test when the jar is missing.
func Start(t testing.TB, opts Options) *Ensemble {
	t.Helper()
	opts.defaults()
	if !fileExists(opts.Jar) {
		t.Skipf("ZooKeeper is not installed (%s missing; apt-get install zookeeper)", opts.Jar)
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ports, err := freePorts(3 * opts.Servers)
	if err != nil {
		t.Fatal(err)
	}
	e := &Ensemble{t: t, opts: opts, Dir: dir}
	for i := range opts.Servers {
		sd := filepath.Join(dir, fmt.Sprintf("zk%d", i+1))
		e.Servers = append(e.Servers, &Server{
			ID: i + 1, ClientPort: ports[3*i], PeerPort: ports[3*i+1], ElectionPort: ports[3*i+2],
			Dir: sd, LogPath: filepath.Join(sd, "zookeeper.log"),
		})
	}
	t.Cleanup(e.cleanup)
	for _, s := range e.Servers {
		if err := s.write(opts, e.Servers); err != nil {
			t.Fatal(err)
		}
		if err := s.start(opts); err != nil {
			t.Fatal(err)
		}
	}
	e.WaitServing()
	return e
}

func (e *Ensemble) cleanup() {
	for _, s := range e.Servers {
		s.signal(syscall.SIGKILL, 10*time.Second)
	}
	if e.t.Failed() {
		for _, s := range e.Servers {
			e.t.Logf("zookeeper server %d log (tail):\n%s", s.ID, s.tail(15))
		}
	}
}

// Addrs lists every server's client address (host:port), in server order.
func (e *Ensemble) Addrs() []string {
	out := make([]string, len(e.Servers))
	for i, s := range e.Servers {
		out[i] = s.Addr()
	}
	return out
}

// ConnectString is the comma-separated client address list.
func (e *Ensemble) ConnectString() string { return strings.Join(e.Addrs(), ",") }

// TickTime is the servers' tick.
func (e *Ensemble) TickTime() time.Duration { return e.opts.TickTime }

// Stop stops server i (0-based) with SIGTERM, killing it after 10 s.
func (e *Ensemble) Stop(i int) { e.Servers[i].signal(syscall.SIGTERM, 10*time.Second) }

// Kill kills server i (0-based) with SIGKILL.
func (e *Ensemble) Kill(i int) { e.Servers[i].signal(syscall.SIGKILL, 10*time.Second) }

// Restart stops server i if it runs, starts it again with its data and
// ports, and waits until it serves.
func (e *Ensemble) Restart(i int) {
	e.t.Helper()
	e.Stop(i)
	if err := e.Servers[i].start(e.opts); err != nil {
		e.t.Fatal(err)
	}
	e.WaitServing()
}

// Mode returns server i's mode: leader, follower or standalone, or an error
// when it does not serve.
func (e *Ensemble) Mode(i int) (string, error) { return Mode(e.Servers[i].Addr(), 2*time.Second) }

// Leader returns the index of the server that leads the ensemble (for a
// single server, 0), or -1 when none does.
func (e *Ensemble) Leader() int {
	for i := range e.Servers {
		if m, err := e.Mode(i); err == nil && (m == "leader" || m == "standalone") {
			return i
		}
	}
	return -1
}

// WaitLeader waits until a server other than not (-1: any) leads the
// ensemble and returns its index, failing the test after the start timeout.
// After killing the leader, the survivors may still call themselves
// followers for a moment: wait here, not in WaitServing.
func (e *Ensemble) WaitLeader(not int) int {
	e.t.Helper()
	deadline := time.Now().Add(e.opts.StartTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if l := e.Leader(); l >= 0 && l != not {
			return l
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no zookeeper leader (other than server %d) after %s", not, e.opts.StartTimeout)
		}
		<-tick.C
	}
}

// WaitServing waits until every running server serves clients, failing the
// test after the start timeout.
func (e *Ensemble) WaitServing() {
	e.t.Helper()
	deadline := time.Now().Add(e.opts.StartTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var waiting []string
		for i, s := range e.Servers {
			if !s.Running() {
				continue
			}
			if _, err := e.Mode(i); err != nil {
				waiting = append(waiting, fmt.Sprintf("server %d: %v", s.ID, err))
			}
		}
		if len(waiting) == 0 {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("zookeeper not serving after %s: %s", e.opts.StartTimeout, strings.Join(waiting, "; "))
		}
		<-tick.C
	}
}
