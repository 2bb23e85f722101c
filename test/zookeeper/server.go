package zookeeper

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

// Server is one ZooKeeper server process of an ensemble.
type Server struct {
	ID                                 int // myid, from 1
	ClientPort, PeerPort, ElectionPort int
	Dir                                string // data dir, zoo.cfg and log live here
	LogPath                            string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the current process has exited
}

// Addr is the server's client address, 127.0.0.1:ClientPort.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.ClientPort)) }

// Running reports whether the server's process is alive.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Pid is the id of the current process, 0 when none runs.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// config renders zoo.cfg. peers lists every server of the ensemble; a single
// server runs standalone.
func (s *Server) config(o Options, peers []*Server) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tickTime=%d\n", o.TickTime.Milliseconds())
	fmt.Fprintf(&b, "dataDir=%s\n", filepath.Join(s.Dir, "data"))
	fmt.Fprintf(&b, "clientPort=%d\nclientPortAddress=127.0.0.1\n", s.ClientPort)
	fmt.Fprintf(&b, "maxSessionTimeout=%d\n", o.MaxSessionTimeout.Milliseconds())
	b.WriteString("admin.enableServer=false\n4lw.commands.whitelist=*\n")
	// Tests need no durability across a machine crash, and a 64 MB
	// preallocated log per server is waste.
	b.WriteString("forceSync=no\npreAllocSize=1024\nmaxClientCnxns=0\n")
	if len(peers) > 1 {
		// Generous init (slow JVMs on a busy machine), syncLimit = 2 s.
		fmt.Fprintf(&b, "initLimit=%d\nsyncLimit=%d\n", ticks(o, 20*time.Second), ticks(o, 2*time.Second))
		for _, p := range peers {
			fmt.Fprintf(&b, "server.%d=127.0.0.1:%d:%d\n", p.ID, p.PeerPort, p.ElectionPort)
		}
	}
	return b.String()
}

func ticks(o Options, d time.Duration) int64 {
	n := int64(d / o.TickTime)
	return max(n, 2)
}

// write lays out the data dir and zoo.cfg.
func (s *Server) write(o Options, peers []*Server) error {
	if err := os.MkdirAll(filepath.Join(s.Dir, "data"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "data", "myid"), []byte(strconv.Itoa(s.ID)+"\n"), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.Dir, "zoo.cfg"), []byte(s.config(o, peers)), 0o644)
}

// start launches the Java process; it does not wait for it to serve.
func (s *Server) start(o Options) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done != nil {
		select {
		case <-s.done:
		default:
			return nil // already running
		}
	}
	logf, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(o.Java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-cp", o.classpath(), "org.apache.zookeeper.server.quorum.QuorumPeerMain", filepath.Join(s.Dir, "zoo.cfg"))
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logf, logf
	// Pdeathsig: a test binary killed by `go test -timeout` (no cleanups
	// run then) takes its servers with it. (It fires when the forking OS
	// thread exits; Go keeps its threads for the life of the process.)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("starting zookeeper server %d: %w", s.ID, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	return nil
}

// signal sends sig to the running process and waits up to wait for it to
// exit; it kills the process when it outlives the wait.
func (s *Server) signal(sig syscall.Signal, wait time.Duration) {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if done == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(wait):
		_ = cmd.Process.Kill()
		<-done
	}
}

// tail returns the last n lines of the server's log.
func (s *Server) tail(n int) string { return testenv.Tail(s.LogPath, n) }

// freePorts reserves n distinct free loopback ports. The listeners are held
// until all are chosen, so the ports differ from each other.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
