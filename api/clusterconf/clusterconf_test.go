package clusterconf

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeLayout(t *testing.T, dir, yaml string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

const threeHosts = `cluster-id: prod
resourcemanagers:
  - {id: rm1, web: "10.0.0.11:8088", rpc: "10.0.0.11:8030"}
  - {web: "h2:8088", rpc: "h2:8030"}
  - {id: rm3, web: "10.0.0.13:8088", rpc: "10.0.0.13:8030"}
zookeeper: ["10.0.0.11:2181", "10.0.0.12:2181", "10.0.0.13:2181"]
staging: s3://goyarn/staging
remote-app-log-dir: logs
object-store: {endpoint: "http://10.0.0.14:8333", credentials-file: s3-credentials, profile: goyarn}
cluster-secret-file: cluster-secret
auth-token-file: /etc/goyarn/auth-tokens
`

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeLayout(t, dir, threeHosts)
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClusterID != "prod" || c.ResourceManagers[1].ID != "rm2" || !c.HA() || c.Dir != dir || c.Path != filepath.Join(dir, FileName) {
		t.Errorf("layout %+v", c)
	}
	// Relative paths are the configuration directory's; URLs and absolute
	// paths stay as written.
	if c.ObjectStore.CredentialsFile != filepath.Join(dir, "s3-credentials") || c.ClusterSecretFile != filepath.Join(dir, "cluster-secret") ||
		c.AuthTokenFile != "/etc/goyarn/auth-tokens" || c.Staging != "s3://goyarn/staging" || c.RemoteAppLogDir != filepath.Join(dir, "logs") {
		t.Errorf("paths %+v", c)
	}
	if got := c.WebAddresses(); !reflect.DeepEqual(got, []string{"rm1=10.0.0.11:8088", "rm2=h2:8088", "rm3=10.0.0.13:8088"}) {
		t.Errorf("WebAddresses() = %v", got)
	}
	if got := c.RPCAddresses(); !reflect.DeepEqual(got, []string{"10.0.0.11:8030", "h2:8030", "10.0.0.13:8030"}) {
		t.Errorf("RPCAddresses() = %v", got)
	}
	if s := c.ObjectStore.Settings(); s.Profile != "goyarn" || s.Config().S3Endpoint != "http://10.0.0.14:8333" {
		t.Errorf("object store settings %+v", s)
	}
}

// Every problem is reported at once, each naming what is wrong.
func TestValidateReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`cluster-id: "a b"
resourcemanagers:
  - {id: rm1, web: "h1", rpc: "h1:0"}
  - {id: rm1, web: "h2:8088", rpc: "h2:8030"}
staging: ftp://x/y
remote-app-log-dir: s3://b/logs
object-store: {endpoint: "h:8333"}
`), "/etc/goyarn")
	if !errors.Is(err, ErrBadConfig) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"cluster-id", "web: \"h1\" is not host:port", "port must be 1-65535", "id rm1 appears twice",
		"need zookeeper", "staging \"ftp://x/y\"", "credentials-file is required", "object-store.endpoint"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := Parse([]byte("resourcemanager: []\n"), "/"); err == nil || !strings.Contains(err.Error(), "resourcemanager") {
		t.Errorf("an unknown key: %v", err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	withFile, empty, exe := filepath.Join(root, "conf-a"), filepath.Join(root, "empty"), filepath.Join(root, "release", "bin")
	writeLayout(t, withFile, "cluster-id: a\n")
	writeLayout(t, filepath.Join(root, "release", "conf"), "cluster-id: r\n")
	for _, d := range []string{empty, exe} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvConfDir {
				return v
			}
			return ""
		}
	}
	missing := filepath.Join(root, "typo")
	for _, tc := range []struct {
		name, explicit, envDir, exeDir, want string
	}{
		{"the flag wins", withFile, empty, exe, withFile},
		{"the environment next", "", withFile, exe, withFile},
		{"an empty directory in the environment: no layout", "", empty, exe, ""},
		{"a missing directory in the environment is returned, so loading it fails", "", missing, exe, missing},
		{"then bin/../conf", "", "", exe, filepath.Join(root, "release", "conf")},
		{"nothing", "", "", empty, ""},
	} {
		got := Find(tc.explicit, env(tc.envDir), tc.exeDir)
		if got == "" && tc.want == "" || filepath.Clean(got) == tc.want {
			continue
		}
		if tc.want == "" && got == SystemDir {
			continue // this machine has a layout in /etc/goyarn
		}
		t.Errorf("%s: Find = %q, want %q", tc.name, got, tc.want)
	}
	if _, err := Load(missing); !errors.Is(err, ErrBadConfig) {
		t.Errorf("Load of a missing directory: %v", err)
	}
}

func TestLocalRM(t *testing.T) {
	c, err := Parse([]byte(threeHosts), "/etc/goyarn")
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(host string) ([]net.IP, error) {
		if host == "h2" {
			return []net.IP{net.ParseIP("10.0.0.12")}, nil
		}
		return nil, errors.New("no such host")
	}
	for _, tc := range []struct {
		addrs []string
		want  string
	}{
		{[]string{"127.0.0.1", "10.0.0.13"}, "rm3"},
		{[]string{"10.0.0.12"}, "rm2"}, // by name
		{[]string{"10.0.0.99"}, ""},
		{[]string{"10.0.0.11", "10.0.0.13"}, ""}, // ambiguous
	} {
		var ips []net.IP
		for _, a := range tc.addrs {
			ips = append(ips, net.ParseIP(a))
		}
		rm, err := c.LocalRM(ips, lookup)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "--ha-id") {
				t.Errorf("%v: %+v, %v; want an error asking for --ha-id", tc.addrs, rm, err)
			}
			continue
		}
		if err != nil || rm.ID != tc.want {
			t.Errorf("%v: %+v, %v; want %s", tc.addrs, rm, err, tc.want)
		}
	}
}

func TestNoFileIsTheDefaults(t *testing.T) {
	t.Setenv(EnvConfDir, t.TempDir())
	c, err := Discover("")
	if err != nil || c.Path != "" || len(c.ResourceManagers) != 1 || c.ResourceManagers[0].Web != "127.0.0.1:8088" {
		t.Fatalf("Discover with an empty conf dir: %+v, %v", c, err)
	}
	if _, err := Discover(t.TempDir()); err == nil {
		t.Fatal("an explicit directory without the file loaded")
	}
}
