package multihost

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/cluster"
	"github.com/goyarn/goyarn/test/netsim"
	"github.com/goyarn/goyarn/test/seaweed"
	"github.com/goyarn/goyarn/test/testenv"
)

// scripts/start-all.sh, run on h1, starts the layout's cluster on three
// hosts — its own daemons directly, the other hosts' over "ssh" — and
// scripts/stop-all.sh stops it all again. The ssh here is a shim
// ($GOYARN_SSH) that runs the command line in the named host's network
// namespace, as sshd would run it on that host. The hosts share the
// checkout, the configuration directory and the run dir (names never
// collide: zkN, rmN, nmN), standing for identical copies on real machines.
func TestSeedStartAllOverSSH(t *testing.T) {
	Require(t)
	bin := cluster.Binaries(t)
	home, err := filepath.Abs("../..")
	must(t, err)
	net := netsim.New(t, netsim.Options{Prefix: "gyssh"})
	var hosts []*netsim.Host
	for i := 1; i <= 3; i++ {
		hosts = append(hosts, net.AddHost(fmt.Sprintf("h%d", i)))
	}
	client, store := net.AddHost("client"), net.AddHost("store")
	probe := store.Command(context.Background(), "true")
	s3 := seaweed.Start(t, seaweed.Options{BindIP: store.IP, CommandPrefix: probe.Args[:len(probe.Args)-1], Dial: client.DialContext})

	shared := t.TempDir()
	conf, run := filepath.Join(shared, "conf"), filepath.Join(shared, "run")
	must(t, os.MkdirAll(conf, 0o755))
	var b strings.Builder
	fmt.Fprintf(&b, "cluster-id: %s\nresourcemanagers:\n", net.Name)
	for i, h := range hosts {
		fmt.Fprintf(&b, "  - {id: rm%d, web: \"%s:%d\", rpc: \"%s:%d\"}\n", i+1, h.IP, rmWeb, h.IP, rmRPC)
	}
	fmt.Fprintf(&b, "zookeeper: [\"%s:2181\", \"%s:2181\", \"%s:2181\"]\nzk-session-timeout: 4s\n", hosts[0].IP, hosts[1].IP, hosts[2].IP)
	fmt.Fprintf(&b, "staging: s3://%s/staging\nremote-app-log-dir: s3://%s/logs\n", s3.Bucket, s3.Bucket)
	fmt.Fprintf(&b, "object-store: {endpoint: \"%s\", credentials-file: s3-credentials}\n", s3.Endpoint)
	fmt.Fprintf(&b, "cluster-secret-file: cluster-secret\nauth-token-file: auth-tokens\nrun-dir: %s\n", run)
	must(t, os.WriteFile(filepath.Join(conf, "goyarn.yaml"), []byte(b.String()), 0o644))
	must(t, os.WriteFile(filepath.Join(conf, "workers"), []byte(hosts[0].IP+"\n"+hosts[1].IP+"\n"+hosts[2].IP+"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(conf, "cluster-secret"), []byte(randomHex(32)), 0o600))
	must(t, os.WriteFile(filepath.Join(conf, "auth-tokens"), []byte(randomHex(24)+"\n"), 0o600))
	creds, err := os.ReadFile(s3.CredentialsFile)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(conf, "s3-credentials"), creds, 0o600))

	// The ssh shim: `ssh HOST COMMAND…` runs COMMAND with bash in HOST's
	// network namespace; like OpenSSH, it reads all its standard input
	// (sent to the remote side), so a script must not give it a loop's.
	var cases strings.Builder
	for _, h := range hosts {
		fmt.Fprintf(&cases, "  %s) ns=%s ;;\n", h.IP, h.NetNS)
	}
	shim := filepath.Join(shared, "ssh")
	must(t, os.WriteFile(shim, []byte("#!/bin/sh\nhost=$1; shift\ncase $host in\n"+cases.String()+
		"  *) echo \"ssh: unknown host $host\" >&2; exit 255 ;;\nesac\ncat >/dev/null\nexec ip netns exec \"$ns\" bash -c \"$*\" </dev/null\n"), 0o755))

	script := func(name string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(4*time.Minute))
		defer cancel()
		cmd := hosts[0].Command(ctx, "bash", filepath.Join(home, "scripts", name))
		cmd.Dir = home
		cmd.Env = append(cmd.Environ(), "GOYARN_CONF_DIR="+conf, "GOYARN_SSH="+shim, "GOYARN_BIN="+bin, "GOYARN_NM_MEMORY_MB=2048",
			// Containers as processes, in their NM's host: a Docker container
			// on the host network would be in the test's own namespace.
			"GOYARN_NM_CONTAINER_RUNTIME=process")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	t.Cleanup(func() { _, _ = script("stop-all.sh") })
	out, err := script("start-all.sh")
	if err != nil {
		t.Fatalf("start-all.sh: %v\n%s", err, out)
	}
	t.Logf("start-all.sh:\n%s", out)
	for _, h := range hosts {
		if len(h.Pids()) < 3 { // ZooKeeper, RM, NM
			t.Errorf("%s runs %d processes after start-all.sh, want ZooKeeper, an RM and an NM", h.Name, len(h.Pids()))
		}
	}

	goyarn := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(3*time.Minute))
		defer cancel()
		cmd := client.Command(ctx, filepath.Join(bin, args[0]), args[1:]...)
		cmd.Env = append(cmd.Environ(), "GOYARN_CONF_DIR="+conf, "USER=tester")
		o, err := cmd.CombinedOutput()
		return string(o), err
	}
	seen := ""
	deadline := time.Now().Add(testenv.Scaled(time.Minute))
	for {
		seen, err = goyarn("goyarn", "rmadmin", "-getAllServiceState")
		if err == nil && strings.Count(seen, "standby") == 2 && strings.Count(seen, "active") == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rmadmin -getAllServiceState: %v\n%s", err, seen)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("goyarn rmadmin -getAllServiceState:\n%s", seen)
	for _, h := range hosts {
		if !strings.Contains(seen, h.IP+":8088") {
			t.Errorf("%s's RM is not listed:\n%s", h.Name, seen)
		}
	}
	if o, err := goyarn("gosubmit", "--master", "yarn", "--deploy-mode", "cluster", "--num-executors", "2", "--executor-memory", "1g",
		"--driver-memory", "1g", filepath.Join(bin, "pi"), "10"); err != nil || !strings.Contains(o, "final status: SUCCEEDED") {
		t.Fatalf("pi on the started cluster: %v\n%s", err, o)
	}

	out, err = script("stop-all.sh")
	if err != nil {
		t.Fatalf("stop-all.sh: %v\n%s", err, out)
	}
	for _, h := range hosts {
		if pids := h.Pids(); len(pids) > 0 {
			t.Errorf("%s still runs %v after stop-all.sh", h.Name, pids)
		}
	}
}
