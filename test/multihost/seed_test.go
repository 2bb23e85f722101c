package multihost

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

var appIDRE = regexp.MustCompile(`application_\d+_\d+`)

// appID is the first application id in out.
func appID(t *testing.T, out string) string {
	t.Helper()
	id := appIDRE.FindString(out)
	if id == "" {
		t.Fatalf("no application id in:\n%s", out)
	}
	return id
}

// containerHosts lists the NodeManagers that ran the app's containers:
// those that aggregated its logs to the store (one object per node, at
// logs/<user>/logs/<app>/<host>_<port>), once every node has.
func (s *Seed) containerHosts(t *testing.T, app string) []string {
	t.Helper()
	s.WaitFor(t, "log aggregation of "+app, 2*time.Minute, func() (bool, string) {
		out, err := s.REST("/ws/v1/cluster/apps/" + app)
		var a struct {
			App struct{ LogAggregationStatus string } `json:"app"`
		}
		if err != nil || json.Unmarshal(out, &a) != nil {
			return false, fmt.Sprintf("%v %s", err, out)
		}
		return a.App.LogAggregationStatus == "SUCCEEDED", a.App.LogAggregationStatus
	})
	var hosts []string
	for _, key := range s.S3Objects(t, "logs/tester/logs/"+app+"/") {
		node := key[strings.LastIndex(key, "/")+1:]
		hosts = append(hosts, node[:strings.LastIndex(node, "_")])
	}
	sort.Strings(hosts)
	return hosts
}

// SparkPi in both deploy modes on the seed cluster: the application's
// binaries go through the S3 store (the staging directory), executors run
// on the other hosts, the client-mode driver on the client host is reached
// by them over the network, and the staging directory is gone afterwards.
func TestSeedPi(t *testing.T) {
	s := Start(t, Options{})
	for _, mode := range []string{"cluster", "client"} {
		t.Run(mode, func(t *testing.T) {
			stdout, stderr, err := s.Run(3*time.Minute, "gosubmit", "--master", "yarn", "--deploy-mode", mode,
				"--num-executors", "3", "--executor-memory", "1g", "--driver-memory", "1g", filepath.Join(s.Bin, "pi"), "30")
			if err != nil {
				t.Fatalf("gosubmit %s: %v\n%s\n%s", mode, err, stdout, stderr)
			}
			app := appID(t, stderr)
			for _, l := range strings.Split(stderr, "\n") {
				if strings.Contains(l, "Uploading") || strings.Contains(l, "final status") || strings.Contains(l, "Deleted staging") ||
					strings.Contains(l, "registered executor") {
					t.Log(strings.TrimSpace(l))
				}
			}
			if !strings.Contains(stderr, "Uploading resource file:"+filepath.Join(s.Bin, "pi")+" -> s3://"+s.S3.Bucket+"/staging/"+app+"/pi") {
				t.Errorf("pi was not staged on the object store:\n%s", stderr)
			}
			if mode == "client" && !strings.Contains(stdout, "Pi is roughly 3.1") {
				t.Errorf("client mode: no answer on stdout:\n%s", stdout)
			}
			if mode == "cluster" {
				logs, lerr, err := s.Run(time.Minute, "goyarn", "logs", "-applicationId", app, "-am", "1", "-log_files", "stdout")
				if err != nil || !strings.Contains(logs, "Pi is roughly 3.1") {
					t.Errorf("goyarn logs of the driver: %v\n%s\n%s", err, logs, lerr)
				}
			}
			// Each NM holds two 1 GB containers: the AM and 3 executors
			// take at least two hosts.
			hosts := s.containerHosts(t, app)
			if len(hosts) < 2 {
				t.Errorf("the app's containers ran on %v: want them spread over the hosts", hosts)
			}
			t.Logf("containers ran on %v (their aggregated logs)", hosts)
			s.WaitFor(t, "the staging directory deleted", time.Minute, func() (bool, string) {
				objs := s.S3Objects(t, "staging/"+app+"/")
				return len(objs) == 0, fmt.Sprint(objs)
			})
		})
	}
}

// Nothing was written outside each host's own root: host h2 cannot see
// host h1's files (the mount namespace hides every other host's root), and
// the cluster wrote no staging file on any host's filesystem.
func TestSeedHostsShareNothing(t *testing.T) {
	s := Start(t, Options{})
	h1, h2 := s.Hosts[0], s.Hosts[1]
	secret := filepath.Join(confDir(h1), "cluster-secret")
	if _, err := os.Stat(secret); err != nil {
		t.Fatalf("the test cannot see h1's secret: %v", err)
	}
	out, err := h2.Command(t.Context(), "cat", secret).CombinedOutput()
	if err == nil {
		t.Fatalf("h2 read h1's %s: %s", secret, out)
	}
	out, err = h1.Command(t.Context(), "cat", secret).CombinedOutput()
	if err != nil || len(out) == 0 {
		t.Fatalf("h1 cannot read its own secret: %v %s", err, out)
	}
}

// SparkPi in both modes with every container in Docker on the simulated
// hosts: each executor container joins its NodeManager's host (network
// container:<host>), registers with the driver from that host's address,
// and the client-mode driver on the client host is reached by them.
func TestSeedPiInDocker(t *testing.T) {
	s := Start(t, Options{Docker: true, NoLogAggregation: true})
	for _, mode := range []string{"cluster", "client"} {
		t.Run(mode, func(t *testing.T) {
			stdout, stderr, err := s.Run(4*time.Minute, "gosubmit", "--master", "yarn", "--deploy-mode", mode,
				"--num-executors", "3", "--executor-memory", "1g", "--driver-memory", "1g", filepath.Join(s.Bin, "pi"), "20")
			if err != nil {
				t.Fatalf("gosubmit %s: %v\n%s\n%s", mode, err, stdout, stderr)
			}
			if mode == "client" {
				if !strings.Contains(stdout, "Pi is roughly 3.1") {
					t.Errorf("client mode: no answer on stdout:\n%s", stdout)
				}
				// Executors registered from the hosts' own addresses.
				var from []string
				for _, h := range s.Hosts {
					if strings.Contains(stderr, `"address": "`+h.IP+":") {
						from = append(from, h.Name)
					}
				}
				if len(from) < 2 {
					t.Errorf("executors registered from %v, want at least two hosts:\n%s", from, stderr)
				}
			}
		})
	}
	// The NodeManagers' Docker runtime logs each container it started
	// with its image.
	started := 0
	for _, nm := range s.NMs {
		started += strings.Count(testenv.Tail(nm.LogPath, 100000), `"image": "`+s.image+`"`)
	}
	if started < 8 { // two applications: 2 AMs and 6 executors
		t.Errorf("%d Docker containers started, want at least 8", started)
	}
}
