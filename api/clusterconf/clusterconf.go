package clusterconf

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/goyarn/goyarn/api/objstore"
)

// FileName is the layout file's name inside a configuration directory.
const FileName = "goyarn.yaml"

// EnvConfDir names the configuration directory, as YARN_CONF_DIR does.
const EnvConfDir = "GOYARN_CONF_DIR"

// SystemDir is the last place Find looks.
const SystemDir = "/etc/goyarn"

// ErrBadConfig is wrapped by every problem with a layout file.
var ErrBadConfig = errors.New("bad cluster configuration")

// RM is one ResourceManager: its HA id and the addresses it binds and
// advertises (host:port, a name or an IP of its host).
type RM struct {
	ID  string `yaml:"id"`
	Web string `yaml:"web"` // REST API and web UI (YARN's webapp.address)
	RPC string `yaml:"rpc"` // NodeManagers and ApplicationMasters
}

// ObjectStore is the S3-compatible store of s3:// URLs: the layout's
// object-store section (the daemons' object-store-* settings).
type ObjectStore struct {
	Endpoint        string `yaml:"endpoint"`         // http(s)://host:port; empty: AWS S3
	Region          string `yaml:"region"`           // default us-east-1
	CredentialsFile string `yaml:"credentials-file"` // AWS shared-credentials format, mode 0600
	Profile         string `yaml:"profile"`          // default "default"
	VirtualHost     bool   `yaml:"virtual-host"`     // bucket as a host name instead of the path
}

// Settings are the daemons' and clients' object store settings.
func (o ObjectStore) Settings() objstore.Settings { return objstore.Settings(o) }

// Cluster is the layout file's content.
type Cluster struct {
	ClusterID        string      `yaml:"cluster-id"`
	ResourceManagers []RM        `yaml:"resourcemanagers"`
	ZooKeeper        []string    `yaml:"zookeeper"`
	ZKSessionTimeout string      `yaml:"zk-session-timeout"`
	Staging          string      `yaml:"staging"`            // URL (file:///…, s3://bucket/prefix) or absolute path
	RemoteAppLogDir  string      `yaml:"remote-app-log-dir"` // URL or absolute path; empty: no log aggregation
	ObjectStore      ObjectStore `yaml:"object-store"`
	// ClusterSecretFile is shared by the RMs and NMs (never by clients).
	ClusterSecretFile string `yaml:"cluster-secret-file"`
	// AuthTokenFile: RMs read every '<token> [user]' line; clients send
	// the first token.
	AuthTokenFile string `yaml:"auth-token-file"`
	// RunDir is where the start scripts keep pids, logs and daemon state.
	RunDir string `yaml:"run-dir"`

	// Dir is the configuration directory the file was read from ("" when
	// no file was found); Path the file.
	Dir  string `yaml:"-"`
	Path string `yaml:"-"`
}

// Default is the layout when no file exists: one RM on loopback.
func Default() Cluster {
	return Cluster{
		ClusterID:        "goyarn",
		ResourceManagers: []RM{{ID: "rm1", Web: "127.0.0.1:8088", RPC: "127.0.0.1:8030"}},
	}
}

// Find returns the configuration directory to read: explicit if non-empty
// (a --conf-dir flag: it must hold the file), else $GOYARN_CONF_DIR, else
// <exeDir>/../conf, else SystemDir — the first of these holding the file.
// "" when none does: the defaults apply, as Hadoop's do without a
// yarn-site.xml. A $GOYARN_CONF_DIR that is an existing directory without
// the file means "no layout"; one that does not exist is returned, so that
// loading it fails (a typo must not quietly point a client at the
// single-machine defaults).
func Find(explicit string, getenv func(string) string, exeDir string) string {
	if explicit != "" {
		return explicit
	}
	if d := getenv(EnvConfDir); d != "" {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && !hasFile(d) {
			return ""
		}
		return filepath.Clean(d)
	}
	if exeDir != "" {
		if d := filepath.Join(exeDir, "..", "conf"); hasFile(d) {
			return d
		}
	}
	if hasFile(SystemDir) {
		return SystemDir
	}
	return ""
}

func hasFile(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FileName))
	return err == nil
}

// ExeDir is the directory of the running binary, symlinks resolved ("" if
// unknown).
func ExeDir() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return filepath.Dir(exe)
}

// Discover is Find with the process's environment and binary, then Load.
// explicit (a --conf-dir flag) wins and must hold the file; finding
// nothing is Default().
func Discover(explicit string) (Cluster, error) {
	dir := Find(explicit, os.Getenv, ExeDir())
	if dir == "" {
		return Default(), nil
	}
	return Load(dir)
}

// Load reads dir/goyarn.yaml (unknown keys are errors), fills defaults,
// makes relative file paths absolute against dir, and validates.
func Load(dir string) (Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Cluster{}, fmt.Errorf("%w: %v", ErrBadConfig, err)
	}
	path := filepath.Join(abs, FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		return Cluster{}, fmt.Errorf("%w: %v", ErrBadConfig, err)
	}
	c, err := Parse(data, abs)
	if err != nil {
		return Cluster{}, fmt.Errorf("%s: %w", path, err)
	}
	c.Path = path
	return c, nil
}

// Parse decodes a layout file's content; dir anchors relative paths.
func Parse(data []byte, dir string) (Cluster, error) {
	var c Cluster
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err.Error() != "EOF" {
		return Cluster{}, fmt.Errorf("%w: %v", ErrBadConfig, err)
	}
	c.Dir = dir
	if c.ClusterID == "" {
		c.ClusterID = "goyarn"
	}
	if len(c.ResourceManagers) == 0 {
		c.ResourceManagers = Default().ResourceManagers
	}
	for i := range c.ResourceManagers {
		if c.ResourceManagers[i].ID == "" {
			c.ResourceManagers[i].ID = "rm" + strconv.Itoa(i+1)
		}
	}
	for _, p := range []*string{&c.ClusterSecretFile, &c.AuthTokenFile, &c.ObjectStore.CredentialsFile, &c.RunDir} {
		*p = c.abs(*p)
	}
	if c.Staging != "" && !strings.Contains(c.Staging, "://") {
		c.Staging = c.abs(c.Staging)
	}
	if c.RemoteAppLogDir != "" && !strings.Contains(c.RemoteAppLogDir, "://") {
		c.RemoteAppLogDir = c.abs(c.RemoteAppLogDir)
	}
	return c, c.Validate()
}

// abs makes p absolute against the configuration directory; "~/" is the
// home directory; "" stays "".
func (c Cluster) abs(p string) string {
	switch {
	case p == "":
		return ""
	case strings.HasPrefix(p, "~/"):
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[2:])
		}
		return p
	case filepath.IsAbs(p) || c.Dir == "":
		return p
	default:
		return filepath.Join(c.Dir, p)
	}
}

// Validate reports every problem at once.
func (c Cluster) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrBadConfig, fmt.Sprintf(format, args...)))
	}
	if strings.ContainsAny(c.ClusterID, " \t\n/=,") {
		bad("cluster-id %q must have no white space, '/', '=' or ','", c.ClusterID)
	}
	ids := map[string]bool{}
	for i, rm := range c.ResourceManagers {
		if strings.ContainsAny(rm.ID, " :/=,") {
			bad("resourcemanagers[%d]: id %q must have no ' ', ':', '/', '=' or ','", i, rm.ID)
		}
		if ids[rm.ID] {
			bad("resourcemanagers: id %s appears twice", rm.ID)
		}
		ids[rm.ID] = true
		for key, addr := range map[string]string{"web": rm.Web, "rpc": rm.RPC} {
			if err := checkHostPort(addr); err != nil {
				bad("resourcemanagers[%d] (%s): %s: %v", i, rm.ID, key, err)
			}
		}
	}
	for _, z := range c.ZooKeeper {
		if err := checkHostPort(z); err != nil {
			bad("zookeeper: %v", err)
		}
	}
	if len(c.ResourceManagers) > 1 && len(c.ZooKeeper) == 0 {
		bad("%d resourcemanagers need zookeeper servers to elect the active one", len(c.ResourceManagers))
	}
	for key, u := range map[string]string{"staging": c.Staging, "remote-app-log-dir": c.RemoteAppLogDir} {
		if u == "" {
			continue
		}
		scheme, _, ok := strings.Cut(u, "://")
		if !ok && !filepath.IsAbs(u) || ok && scheme != "file" && scheme != "s3" {
			bad("%s %q: want file:///path, s3://bucket/prefix or an absolute path", key, u)
		}
		if scheme == "s3" && c.ObjectStore.CredentialsFile == "" {
			bad("%s is on s3: object-store.credentials-file is required", key)
		}
	}
	if e := c.ObjectStore.Endpoint; e != "" && !strings.HasPrefix(e, "http://") && !strings.HasPrefix(e, "https://") {
		bad("object-store.endpoint %q: want http://host:port or https://host", e)
	}
	return errors.Join(errs...)
}

func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if host == "" {
		return fmt.Errorf("%q has no host", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("%q: port must be 1-65535", addr)
	}
	return nil
}

// RM returns the ResourceManager with id.
func (c Cluster) RM(id string) (RM, bool) {
	for _, rm := range c.ResourceManagers {
		if rm.ID == id {
			return rm, true
		}
	}
	return RM{}, false
}

// HA reports whether the layout is an HA cluster: RMs elect through
// ZooKeeper.
func (c Cluster) HA() bool { return len(c.ZooKeeper) > 0 }

// WebAddresses lists the RMs' web addresses as "id=host:port" (the form
// clients' --master and GOYARN_RM_ADDRESSES accept).
func (c Cluster) WebAddresses() []string {
	out := make([]string, len(c.ResourceManagers))
	for i, rm := range c.ResourceManagers {
		out[i] = rm.ID + "=" + rm.Web
	}
	return out
}

// RPCAddresses lists the RMs' internal RPC addresses.
func (c Cluster) RPCAddresses() []string {
	out := make([]string, len(c.ResourceManagers))
	for i, rm := range c.ResourceManagers {
		out[i] = rm.RPC
	}
	return out
}

// LocalRM picks the RM this host runs when no id is given: the one whose
// web host is one of addrs (this host's interface addresses), as Hadoop
// finds yarn.resourcemanager.ha.id. It fails unless exactly one matches.
func (c Cluster) LocalRM(addrs []net.IP, lookup func(host string) ([]net.IP, error)) (RM, error) {
	var found []RM
	for _, rm := range c.ResourceManagers {
		host, _, _ := net.SplitHostPort(rm.Web)
		ips := []net.IP{net.ParseIP(host)}
		if ips[0] == nil {
			var err error
			if ips, err = lookup(host); err != nil {
				continue
			}
		}
		if matchesAny(ips, addrs) {
			found = append(found, rm)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return RM{}, fmt.Errorf("%w: no resourcemanagers entry is on this host: give --ha-id", ErrBadConfig)
	default:
		ids := make([]string, len(found))
		for i, rm := range found {
			ids[i] = rm.ID
		}
		return RM{}, fmt.Errorf("%w: resourcemanagers %s are all on this host: give --ha-id", ErrBadConfig, strings.Join(ids, ", "))
	}
}

func matchesAny(ips, addrs []net.IP) bool {
	for _, ip := range ips {
		for _, a := range addrs {
			if ip.Equal(a) {
				return true
			}
		}
	}
	return false
}

// InterfaceAddrs lists this host's interface IPs.
func InterfaceAddrs() []net.IP {
	as, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []net.IP
	for _, a := range as {
		if n, ok := a.(*net.IPNet); ok {
			out = append(out, n.IP)
		}
	}
	return out
}
