package multihost

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/goyarn/goyarn/test/cluster"
	"github.com/goyarn/goyarn/test/netsim"
	"github.com/goyarn/goyarn/test/seaweed"
	"github.com/goyarn/goyarn/test/testenv"
	"github.com/goyarn/goyarn/test/zookeeper"
)

// Production ports: every host has its own network namespace, so each
// daemon listens where it would on a real machine.
const (
	zkPort, zkPeer, zkElection = 2181, 2888, 3888
	rmWeb, rmRPC               = 8088, 8030
	nmRPC, nmWeb               = 8040, 8042
	s3Port                     = 8333
)

// Options shape the seed cluster.
type Options struct {
	// SessionTimeout is the RMs' ZooKeeper session (how fast a dead active
	// is replaced); default 4 s.
	SessionTimeout time.Duration
	// NMExpiry: a silent NodeManager is LOST after this; default 8 s.
	NMExpiry time.Duration
	// NoLogAggregation turns log aggregation (to s3://<bucket>/logs) off.
	NoLogAggregation bool
	// Docker runs every container (AMs and executors) in Docker: each of
	// h1-h3 is then the network namespace of a "host" container the test
	// starts (--network none), and the NodeManager on it starts containers
	// with --network container:<host container>, so they share the host's
	// address exactly as executors share a real NodeManager's with the
	// host network.
	Docker bool
}

// Seed is the running seed topology.
type Seed struct {
	t      testing.TB
	opts   Options
	Bin    string
	Net    *netsim.Network
	Hosts  []*netsim.Host // h1, h2, h3: ZooKeeper, RM and NM each
	Client *netsim.Host   // where gosubmit and goyarn run
	Store  *netsim.Host   // the S3 server
	S3     *seaweed.Server
	ZK     []*netsim.Proc
	RMs    []*netsim.Proc
	NMs    []*netsim.Proc
	Token  string // REST write token (the RMs bind non-loopback addresses)
	secret []byte
	// sandboxes are the Docker "host" containers of h1-h3 (Options.Docker).
	sandboxes []string
	image     string
}

// Require skips (or, under GOYARN_REQUIRE_MULTIHOST=1, fails) unless the
// suite can run here.
func Require(t testing.TB) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (network namespaces)")
	}
	if _, err := os.Stat(zookeeper.Jar); err != nil {
		missing = append(missing, "ZooKeeper ("+zookeeper.Jar+")")
	}
	if _, err := seaweed.Binary(); err != nil {
		missing = append(missing, "SeaweedFS (scripts/install-weed.sh)")
	}
	if len(missing) == 0 {
		return
	}
	msg := "multi-host suite needs " + strings.Join(missing, ", ")
	if os.Getenv("GOYARN_REQUIRE_MULTIHOST") == "1" {
		t.Fatal("GOYARN_REQUIRE_MULTIHOST is set: " + msg)
	}
	t.Skip(msg)
}

// Start builds the network, the store, ZooKeeper, the RMs and the NMs, and
// waits until one RM is active with three NodeManagers RUNNING.
func Start(t testing.TB, opts Options) *Seed {
	t.Helper()
	Require(t)
	if opts.SessionTimeout == 0 {
		opts.SessionTimeout = 4 * time.Second
	}
	if opts.NMExpiry == 0 {
		opts.NMExpiry = 8 * time.Second
	}
	s := &Seed{t: t, opts: opts, Bin: cluster.Binaries(t), Token: randomHex(24), secret: []byte(randomHex(32))}
	s.Net = netsim.New(t, netsim.Options{Prefix: "gyseed"})
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("h%d", i)
		if opts.Docker {
			s.Hosts = append(s.Hosts, s.Net.AddHostAttached(name, s.sandbox(name)))
		} else {
			s.Hosts = append(s.Hosts, s.Net.AddHost(name))
		}
	}
	s.Client = s.Net.AddHost("client")
	s.Store = s.Net.AddHost("store")

	probe := s.Store.Command(context.Background(), "true")
	s.S3 = seaweed.Start(t, seaweed.Options{BindIP: s.Store.IP, CommandPrefix: probe.Args[:len(probe.Args)-1],
		Dial: s.Client.DialContext})
	for _, h := range append(append([]*netsim.Host{}, s.Hosts...), s.Client) {
		s.writeConf(h)
	}
	for i := range s.Hosts {
		s.ZK = append(s.ZK, s.startZK(i))
	}
	for i := range s.Hosts {
		s.RMs = append(s.RMs, s.StartRM(i))
	}
	for i := range s.Hosts {
		s.NMs = append(s.NMs, s.StartNM(i))
	}
	s.WaitFor(s.t, "an active RM with 3 NodeManagers RUNNING", 120*time.Second, func() (bool, string) {
		out, err := s.REST("/ws/v1/cluster/metrics")
		var m struct {
			ClusterMetrics struct{ ActiveNodes int } `json:"clusterMetrics"`
		}
		if err != nil || json.Unmarshal(out, &m) != nil {
			return false, fmt.Sprintf("%v %s", err, out)
		}
		return m.ClusterMetrics.ActiveNodes == 3, string(out)
	})
	return s
}

// confDir is where host h keeps its copy of the configuration.
func confDir(h *netsim.Host) string { return filepath.Join(h.Root, "conf") }

// writeConf gives host h its own configuration directory: the layout, the
// cluster secret (cluster hosts only), the token file and the S3
// credentials, each mode 0600 where secret.
func (s *Seed) writeConf(h *netsim.Host) {
	s.t.Helper()
	dir := confDir(h)
	must(s.t, os.MkdirAll(dir, 0o755))
	var b strings.Builder
	fmt.Fprintf(&b, "cluster-id: %s\nresourcemanagers:\n", s.ClusterID())
	for i, hh := range s.Hosts {
		fmt.Fprintf(&b, "  - {id: rm%d, web: \"%s:%d\", rpc: \"%s:%d\"}\n", i+1, hh.IP, rmWeb, hh.IP, rmRPC)
	}
	b.WriteString("zookeeper: [")
	for i, hh := range s.Hosts {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "\"%s:%d\"", hh.IP, zkPort)
	}
	fmt.Fprintf(&b, "]\nzk-session-timeout: %s\n", s.opts.SessionTimeout)
	fmt.Fprintf(&b, "staging: s3://%s/staging\n", s.S3.Bucket)
	if !s.opts.NoLogAggregation {
		fmt.Fprintf(&b, "remote-app-log-dir: s3://%s/logs\n", s.S3.Bucket)
	}
	fmt.Fprintf(&b, "object-store:\n  endpoint: %s\n  credentials-file: s3-credentials\n", s.S3.Endpoint)
	b.WriteString("auth-token-file: auth-tokens\n")
	if h != s.Client {
		b.WriteString("cluster-secret-file: cluster-secret\n")
		must(s.t, os.WriteFile(filepath.Join(dir, "cluster-secret"), s.secret, 0o600))
	}
	must(s.t, os.WriteFile(filepath.Join(dir, "goyarn.yaml"), []byte(b.String()), 0o644))
	must(s.t, os.WriteFile(filepath.Join(dir, "auth-tokens"), []byte(s.Token+"\n"), 0o600))
	creds, err := os.ReadFile(s.S3.CredentialsFile)
	must(s.t, err)
	must(s.t, os.WriteFile(filepath.Join(dir, "s3-credentials"), creds, 0o600))
}

// Command runs a goyarn binary on host h with its configuration directory.
func (s *Seed) Command(ctx context.Context, h *netsim.Host, bin string, args ...string) *exec.Cmd {
	cmd := h.Command(ctx, filepath.Join(s.Bin, bin), args...)
	cmd.Env = append(cmd.Environ(), "GOYARN_CONF_DIR="+confDir(h), "USER=tester", "GORACE=atexit_sleep_ms=0")
	return cmd
}

// Run runs a goyarn binary on the client host and returns its stdout and
// stderr; it fails the test on a non-zero exit unless allowFail.
func (s *Seed) Run(timeout time.Duration, bin string, args ...string) (string, string, error) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(timeout))
	defer cancel()
	cmd := s.Command(ctx, s.Client, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// REST GETs path from the cluster as the client host would (following a
// standby's redirect), trying each RM.
func (s *Seed) REST(path string) ([]byte, error) {
	var last error
	for _, h := range s.Hosts {
		out, status, err := s.get(fmt.Sprintf("http://%s:%d%s", h.IP, rmWeb, path))
		if err == nil && status == http.StatusOK {
			return out, nil
		}
		last = fmt.Errorf("%s: %d %v %s", h.Name, status, err, out)
	}
	return nil, last
}

// get fetches url from the client host.
func (s *Seed) get(url string) ([]byte, int, error) {
	resp, err := s.Client.HTTPClient(10 * time.Second).Get(url)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return body, resp.StatusCode, err
}

func (s *Seed) startZK(i int) *netsim.Proc {
	h := s.Hosts[i]
	dir := filepath.Join(h.Root, "zk")
	must(s.t, os.MkdirAll(filepath.Join(dir, "data"), 0o755))
	must(s.t, os.WriteFile(filepath.Join(dir, "data", "myid"), []byte(fmt.Sprint(i+1)), 0o644))
	var b strings.Builder
	fmt.Fprintf(&b, "tickTime=200\ndataDir=%s\nclientPort=%d\nclientPortAddress=%s\n", filepath.Join(dir, "data"), zkPort, h.IP)
	b.WriteString("maxSessionTimeout=60000\nadmin.enableServer=false\n4lw.commands.whitelist=*\nforceSync=no\npreAllocSize=1024\n")
	b.WriteString("initLimit=100\nsyncLimit=10\n")
	for j, hh := range s.Hosts {
		fmt.Fprintf(&b, "server.%d=%s:%d:%d\n", j+1, hh.IP, zkPeer, zkElection)
	}
	must(s.t, os.WriteFile(filepath.Join(dir, "zoo.cfg"), []byte(b.String()), 0o644))
	cp := zookeeper.Jar
	if simple := filepath.Join(filepath.Dir(zookeeper.Jar), "slf4j-simple.jar"); fileExists(simple) {
		cp += ":" + simple
	}
	return h.Start(s.t, "zookeeper", "java", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp,
		"org.apache.zookeeper.server.quorum.QuorumPeerMain", filepath.Join(dir, "zoo.cfg"))
}

// StartRM starts host i's ResourceManager. It is given no --ha-id: it
// finds its entry in the layout by its own address, as Hadoop's RMs do.
func (s *Seed) StartRM(i int) *netsim.Proc {
	h := s.Hosts[i]
	return s.startDaemon(h, "resourcemanager", filepath.Join(h.Root, "rm.ready.json"),
		"--nm-expiry", s.opts.NMExpiry.String(), "--heartbeat-interval", "500ms", "--recovery-grace", "1s")
}

// StartNM starts (or restarts) host i's NodeManager.
func (s *Seed) StartNM(i int) *netsim.Proc {
	h := s.Hosts[i]
	nd := filepath.Join(h.Root, "nm")
	args := []string{"--hostname", h.IP, "--rpc-address", h.Addr(nmRPC), "--web-address", h.Addr(nmWeb),
		"--memory-mb", "2048", "--vcores", "4", "--min-free-disk-mb", "1",
		"--local-dirs", filepath.Join(nd, "local"), "--log-dirs", filepath.Join(nd, "logs"), "--state-dir", filepath.Join(nd, "state")}
	if s.opts.Docker {
		network := "container:" + s.sandboxes[i]
		args = append(args, "--container-runtime", "docker", "--docker-default-image", s.image,
			"--docker-network", network, "--docker-allowed-networks", network)
	} else {
		args = append(args, "--container-runtime", "process")
	}
	return s.startDaemon(h, "nodemanager", filepath.Join(h.Root, "nm.ready.json"), args...)
}

// ClusterID is the cluster's id: unique per test, so its Docker
// containers (labelled goyarn.cluster) are its own.
func (s *Seed) ClusterID() string { return s.Net.Name }

func (s *Seed) startDaemon(h *netsim.Host, bin, ready string, args ...string) *netsim.Proc {
	s.t.Helper()
	os.Remove(ready)
	cmd := s.Command(context.Background(), h, bin, append(args, "--ready-file", ready)...)
	p := h.StartCommand(s.t, bin, cmd)
	s.WaitFor(s.t, bin+" on "+h.Name+" ready", 90*time.Second, func() (bool, string) {
		if p.Exited() {
			s.t.Fatalf("%s on %s exited: %v\n%s", bin, h.Name, p.Err(), testenv.Tail(p.LogPath, 30))
		}
		_, err := os.Stat(ready)
		return err == nil, testenv.Tail(p.LogPath, 5)
	})
	return p
}

// ActiveRM is the index of the active RM (-1: none answers as active).
func (s *Seed) ActiveRM() int {
	for i, h := range s.Hosts {
		out, status, err := s.get(fmt.Sprintf("http://%s:%d/ws/v1/cluster/info", h.IP, rmWeb))
		if err == nil && status == http.StatusOK && bytes.Contains(out, []byte(`"haState":"ACTIVE"`)) {
			return i
		}
	}
	return -1
}

// WaitFor polls cond until it holds or the (scaled) timeout passes.
func (s *Seed) WaitFor(t testing.TB, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(testenv.Scaled(timeout))
	var last string
	for {
		ok, detail := cond()
		if ok {
			return
		}
		last = detail
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s", what, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// S3Objects lists the keys under prefix in the seed's bucket.
func (s *Seed) S3Objects(t testing.TB, prefix string) []string {
	t.Helper()
	mc, err := s.S3.Client()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for o := range mc.ListObjects(t.Context(), s.S3.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("listing %s: %v", prefix, o.Err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}
