package zkconn

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/goyarn/goyarn/api/security"
)

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no servers", func(c *Config) { c.Servers = nil }, "no ZooKeeper servers"},
		{"bad server", func(c *Config) { c.Servers = []string{"zk1"} }, "not host:port"},
		{"short session", func(c *Config) { c.SessionTimeout = time.Millisecond }, "session timeout"},
		{"slash in cluster id", func(c *Config) { c.ClusterID = "a/b" }, "cluster id"},
		{"empty cluster id", func(c *Config) { c.ClusterID = "" }, "cluster id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	all := Config{}
	if n := strings.Count(all.Validate().Error(), "\n") + 1; n != 3 {
		t.Fatalf("an empty config reports %d problems, want 3 at once: %v", n, all.Validate())
	}
}

func TestLayoutAndACL(t *testing.T) {
	c := DefaultConfig()
	c.ClusterID = "prod-1"
	if c.Root() != "/goyarn/prod-1" || c.ElectionPath() != "/goyarn/prod-1/election" || c.StorePath() != "/goyarn/prod-1/rmstore" {
		t.Fatalf("paths %s %s %s", c.Root(), c.ElectionPath(), c.StorePath())
	}
	s1 := security.NewSecret([]byte("first-secret-0123456789"))
	s2 := security.NewSecret([]byte("second-secret-0123456789"))
	if Password(s1) == Password(s2) || Password(s1) != Password(s1) {
		t.Fatal("passwords are not derived from the secret")
	}
	acl := ACL(s1)
	if len(acl) != 2 || acl[0].Scheme != "world" || acl[0].Perms != zk.PermRead ||
		acl[1].Scheme != "digest" || acl[1].Perms != zk.PermAll || !strings.HasPrefix(acl[1].ID, DigestUser+":") {
		t.Fatalf("ACL %+v", acl)
	}
}

func TestTransient(t *testing.T) {
	for _, err := range []error{zk.ErrConnectionClosed, zk.ErrNoServer, zk.ErrSessionExpired, zk.ErrSessionMoved} {
		if !Transient(err) {
			t.Errorf("%v not transient", err)
		}
	}
	for _, err := range []error{nil, zk.ErrNoNode, zk.ErrBadVersion, zk.ErrNoAuth, zk.ErrClosing} {
		if Transient(err) {
			t.Errorf("%v transient", err)
		}
	}
}
