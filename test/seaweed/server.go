package seaweed

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/goyarn/goyarn/test/testenv"
)

// Options shape a server. The zero value is a loopback server with bucket
// "goyarn".
type Options struct {
	// BindIP is the address every component listens on and advertises;
	// default 127.0.0.1. When this process cannot bind it (it lives in
	// another network namespace) the free ports are picked on loopback. The
	// readiness probe dials BindIP from this process, so it must be
	// routable from here.
	BindIP string
	// Bucket is created through the S3 API before Start returns; default
	// "goyarn".
	Bucket string
	// CommandPrefix runs weed through another program, e.g.
	// {"ip", "netns", "exec", "ns1"}; the weed command line is appended.
	// The prefix must exec weed (keep its pid) or at least keep it in its
	// process group, which Stop kills.
	CommandPrefix []string
	// Binary is the weed executable; default Binary().
	Binary string
	// StartTimeout bounds the wait until S3 serves; default 90 s, scaled by
	// GOYARN_TEST_TIMEOUT_SCALE.
	StartTimeout time.Duration
	// ExtraArgs are appended to the `weed server` flags.
	ExtraArgs []string
	// Dial, when set, makes the connections of Client and of the start-up
	// probe (e.g. from inside the network namespace the server runs in:
	// netsim's Host.DialContext). Default: a plain dial from the test.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (o *Options) defaults() {
	if o.BindIP == "" {
		o.BindIP = "127.0.0.1"
	}
	if o.Bucket == "" {
		o.Bucket = "goyarn"
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 90 * time.Second
	}
	o.StartTimeout = testenv.Scaled(o.StartTimeout)
}

// Ports are the listening ports of one server.
type Ports struct {
	S3, S3GRPC         int
	Master, MasterGRPC int
	Volume, VolumeGRPC int
	Filer, FilerGRPC   int
}

// Server is one running `weed server -s3` process.
type Server struct {
	Endpoint        string // http://BindIP:S3port
	CredentialsFile string // AWS shared-credentials file, mode 0600, profile [default]
	AccessKey       string
	SecretKey       string
	Bucket          string
	PID             int
	Dir             string   // data, config and log live here
	LogPath         string   // weed's stdout and stderr
	Command         []string // the command line, prefix included
	Ports           Ports

	cmd  *exec.Cmd
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	done chan struct{} // closed when the process has exited
	once sync.Once
}

// Start runs a server for the test and waits until it serves S3 with
// opts.Bucket created. It skips the test when no weed binary is found (fails
// it under GOYARN_REQUIRE_WEED=1). The server is stopped when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	opts.defaults()
	if opts.Binary == "" {
		bin, err := Binary()
		if err != nil {
			if requireWeed() {
				t.Fatalf("GOYARN_REQUIRE_WEED is set: %v", err)
			}
			t.Skipf("no SeaweedFS: %v", err)
		}
		opts.Binary = bin
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, LogPath: filepath.Join(dir, "weed.log"), Bucket: opts.Bucket, dial: opts.Dial}
	if err := s.writeConfig(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	// A port chosen free can be taken by another process before weed binds
	// it; such a start is retried on fresh ports.
	for attempt := 1; ; attempt++ {
		err := s.start(opts)
		if err == nil {
			return s
		}
		inUse := strings.Contains(s.tail(200), "address already in use")
		s.Stop()
		if !inUse || attempt == 3 {
			t.Fatalf("SeaweedFS did not start: %v\n%s", err, s.tail(40))
		}
		t.Logf("SeaweedFS start %d lost a port race, retrying: %v", attempt, err)
		s.once = sync.Once{}
	}
}

// writeConfig writes the S3 identities (one admin identity with a random
// key pair) and the matching AWS credentials file.
func (s *Server) writeConfig() error {
	s.AccessKey = "GY" + strings.ToUpper(randomHex(9))
	s.SecretKey = randomHex(20)
	ident := map[string]any{"identities": []any{map[string]any{
		"name":        "goyarn",
		"credentials": []any{map[string]string{"accessKey": s.AccessKey, "secretKey": s.SecretKey}},
		"actions":     []string{"Admin", "Read", "Write", "List", "Tagging"},
	}}}
	data, err := json.MarshalIndent(ident, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "s3.json"), data, 0o600); err != nil {
		return err
	}
	s.CredentialsFile = filepath.Join(s.Dir, "credentials")
	creds := fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", s.AccessKey, s.SecretKey)
	if err := os.WriteFile(s.CredentialsFile, []byte(creds), 0o600); err != nil {
		return err
	}
	return os.MkdirAll(filepath.Join(s.Dir, "data"), 0o755)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// args is the weed command line for ip and ports.
func (s *Server) args(ip string, p Ports, extra []string) []string {
	a := []string{
		"-logtostderr=true", "-v=0", "server",
		"-ip=" + ip, "-ip.bind=" + ip,
		"-dir=" + filepath.Join(s.Dir, "data"),
		"-master.port=" + strconv.Itoa(p.Master), "-master.port.grpc=" + strconv.Itoa(p.MasterGRPC),
		"-master.volumeSizeLimitMB=64", "-master.telemetry=false",
		"-volume.port=" + strconv.Itoa(p.Volume), "-volume.port.grpc=" + strconv.Itoa(p.VolumeGRPC),
		"-volume.max=16", "-volume.preStopSeconds=0",
		"-filer.port=" + strconv.Itoa(p.Filer), "-filer.port.grpc=" + strconv.Itoa(p.FilerGRPC),
		"-s3", "-s3.port=" + strconv.Itoa(p.S3), "-s3.port.grpc=" + strconv.Itoa(p.S3GRPC),
		"-s3.port.iceberg=0", "-s3.port.lance=0",
		"-s3.config=" + filepath.Join(s.Dir, "s3.json"),
		"-s3.autoCreateBucket=false",
		"-filer.localSocket=" + s.filerSocket(p), "-s3.localSocket=" + s.s3Socket(p),
	}
	return append(a, extra...)
}

// maxSocketPath keeps a unix socket path within sun_path (108 bytes).
const maxSocketPath = 100

// filerSocket and s3Socket put the HTTP sockets in the data dir (removed
// with it) when the path fits, else where weed puts them by default.
func (s *Server) filerSocket(p Ports) string {
	if path := filepath.Join(s.Dir, "filer.sock"); len(path) <= maxSocketPath {
		return path
	}
	return fmt.Sprintf("/tmp/seaweedfs-filer-%d.sock", p.Filer)
}

func (s *Server) s3Socket(p Ports) string {
	if path := filepath.Join(s.Dir, "s3.sock"); len(path) <= maxSocketPath {
		return path
	}
	return fmt.Sprintf("/tmp/seaweedfs-s3-%d.sock", p.S3)
}

// removeSockets deletes the unix sockets weed made for this server's
// ports; a killed weed leaves them behind. `weed server` puts its gRPC
// sockets in /tmp whatever TMPDIR says.
func (s *Server) removeSockets() {
	p := s.Ports
	paths := []string{
		s.filerSocket(p), s.s3Socket(p),
		fmt.Sprintf("/tmp/seaweedfs-master-grpc-%d.sock", p.MasterGRPC),
		fmt.Sprintf("/tmp/seaweedfs-volume-grpc-%d.sock", p.VolumeGRPC),
		fmt.Sprintf("/tmp/seaweedfs-filer-grpc-%d.sock", p.FilerGRPC),
		fmt.Sprintf("/tmp/seaweedfs-s3-grpc-%d.sock", p.S3GRPC),
	}
	for _, path := range paths {
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
			_ = os.Remove(path)
		}
	}
}

// start launches weed on fresh ports and waits until it serves.
func (s *Server) start(o Options) error {
	ports, err := freePorts(o.BindIP, 8)
	if err != nil {
		return err
	}
	s.Ports = Ports{
		S3: ports[0], S3GRPC: ports[1], Master: ports[2], MasterGRPC: ports[3],
		Volume: ports[4], VolumeGRPC: ports[5], Filer: ports[6], FilerGRPC: ports[7],
	}
	s.Endpoint = "http://" + net.JoinHostPort(o.BindIP, strconv.Itoa(s.Ports.S3))
	s.Command = append(append(append([]string{}, o.CommandPrefix...), o.Binary), s.args(o.BindIP, s.Ports, o.ExtraArgs)...)

	logf, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "=== %s\n", strings.Join(s.Command, " "))
	cmd := exec.Command(s.Command[0], s.Command[1:]...)
	cmd.Dir = s.Dir
	cmd.Env = weedEnv(s.Dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group: Stop kills weed and anything a prefix started.
	// Pdeathsig: a test binary killed by `go test -timeout` (no cleanups
	// run then) takes weed with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("starting %s: %w", s.Command[0], err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	s.cmd, s.done, s.PID = cmd, done, cmd.Process.Pid
	return s.waitReady(o.StartTimeout)
}

// weedEnv is the environment without AWS or WEED settings that could change
// the server's credentials or flags, with HOME and TMPDIR in dir so no
// stray ~/.seaweedfs config applies.
func weedEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "WEED_") || k == "HOME" || k == "TMPDIR" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+dir, "TMPDIR="+dir)
}

// Client is a minio client for the server with its keys, one attempt per
// request.
func (s *Server) Client() (*minio.Client, error) {
	host := strings.TrimPrefix(s.Endpoint, "http://")
	o := &minio.Options{
		Creds:        credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Region:       "us-east-1",
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   1,
	}
	if s.dial != nil {
		o.Transport = &http.Transport{DialContext: s.dial, DisableKeepAlives: true}
	}
	return minio.New(host, o)
}

// waitReady polls until the bucket exists and an object round trip works.
func (s *Server) waitReady(timeout time.Duration) error {
	mc, err := s.Client()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	var last error
	for {
		if last = s.probe(mc); last == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("weed exited before serving (last probe: %v)", last)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("S3 on %s not serving after %s: %v", s.Endpoint, timeout, last)
		}
	}
}

// probe creates the bucket if needed and round-trips a small object.
func (s *Server) probe(mc *minio.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(10*time.Second))
	defer cancel()
	if err := mc.MakeBucket(ctx, s.Bucket, minio.MakeBucketOptions{}); err != nil {
		code := minio.ToErrorResponse(err).Code
		if code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			return fmt.Errorf("make bucket: %w", err)
		}
	}
	key := ".goyarn-probe/" + randomHex(6)
	body := []byte("probe " + key)
	if _, err := mc.PutObject(ctx, s.Bucket, key, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	obj, err := mc.GetObject(ctx, s.Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	if !bytes.Equal(got, body) {
		return fmt.Errorf("get returned %q, put %q", got, body)
	}
	if err := mc.RemoveObject(ctx, s.Bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	return nil
}

// Running reports whether the weed process is alive.
func (s *Server) Running() bool {
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

// Stop kills the server's process group and waits for weed to exit. The
// data is the test's to throw away, and a graceful SIGTERM takes SeaweedFS
// over 15 s (the filer retries its metadata-log flush), so there is none.
// Stop is safe to call more than once.
func (s *Server) Stop() {
	s.once.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		// The group also holds whatever a CommandPrefix started.
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
		s.removeSockets()
	})
}

// tail returns the last n lines of the server's log.
func (s *Server) tail(n int) string { return testenv.Tail(s.LogPath, n) }

// freePorts picks n distinct free TCP ports on ip, holding every listener
// until all are chosen. When ip cannot be bound here (it lives in another
// network namespace) the ports are picked on loopback instead, which is
// as good a guess for a fresh namespace.
func freePorts(ip string, n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	host := ip
	ports := make([]int, 0, n)
	for len(ports) < n {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil && host != "127.0.0.1" && errors.Is(err, syscall.EADDRNOTAVAIL) {
			host = "127.0.0.1"
			continue
		}
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
