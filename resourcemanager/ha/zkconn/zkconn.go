package zkconn

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/security"
)

// BasePath is the parent of every cluster's znodes.
const BasePath = "/goyarn"

// DigestUser is the digest-scheme user every RM authenticates as.
const DigestUser = "goyarn-rm"

// Config says how to reach ZooKeeper and which cluster's subtree to use.
type Config struct {
	// Servers are the ensemble's client addresses, host:port.
	Servers []string
	// SessionTimeout is the ZooKeeper session timeout the client asks for;
	// the servers clamp it to [2, 20] × tickTime unless configured
	// otherwise. A dead RM's election node vanishes this long after it died,
	// so it bounds failover.
	SessionTimeout time.Duration
	// ClusterID names the cluster's subtree /goyarn/<cluster-id>.
	ClusterID string
}

// DefaultSessionTimeout is the session timeout of DefaultConfig.
const DefaultSessionTimeout = 5 * time.Second

// DefaultConfig is a local 3-server ensemble on ports 2181-2183 (what
// scripts/zk-ensemble.sh starts) and cluster id "goyarn".
func DefaultConfig() Config {
	return Config{
		Servers:        []string{"127.0.0.1:2181", "127.0.0.1:2182", "127.0.0.1:2183"},
		SessionTimeout: DefaultSessionTimeout,
		ClusterID:      "goyarn",
	}
}

var clusterIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// ErrConfig is wrapped by every configuration problem.
var ErrConfig = errors.New("invalid ZooKeeper configuration")

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if len(c.Servers) == 0 {
		errs = append(errs, fmt.Errorf("%w: no ZooKeeper servers", ErrConfig))
	}
	for _, s := range c.Servers {
		if _, _, err := net.SplitHostPort(s); err != nil {
			errs = append(errs, fmt.Errorf("%w: server %q is not host:port", ErrConfig, s))
		}
	}
	if c.SessionTimeout < 100*time.Millisecond || c.SessionTimeout > 10*time.Minute {
		errs = append(errs, fmt.Errorf("%w: session timeout %s outside [100ms, 10m]", ErrConfig, c.SessionTimeout))
	}
	if !clusterIDPattern.MatchString(c.ClusterID) {
		errs = append(errs, fmt.Errorf("%w: cluster id %q must be 1-128 of [A-Za-z0-9._-], starting alphanumeric", ErrConfig, c.ClusterID))
	}
	return errors.Join(errs...)
}

// Root is the cluster's subtree, /goyarn/<cluster-id>.
func (c Config) Root() string { return BasePath + "/" + c.ClusterID }

// ElectionPath holds the election's candidate nodes.
func (c Config) ElectionPath() string { return c.Root() + "/election" }

// StorePath holds the RM state store.
func (c Config) StorePath() string { return c.Root() + "/rmstore" }

// Password is the digest password RMs of the cluster authenticate with.
func Password(secret security.Secret) string {
	return hex.EncodeToString(secret.Key("zookeeper-digest"))
}

// ACL is the ACL of every node under the cluster's root: anyone reads, the
// cluster's RMs do everything.
func ACL(secret security.Secret) []zk.ACL {
	return append(zk.WorldACL(zk.PermRead), zk.DigestACL(zk.PermAll, DigestUser, Password(secret))...)
}

// PrivateACL lets only the RMs (the digest user of the cluster secret) read
// and write: for the state store, whose submission contexts may carry an
// application's secrets in their environment.
func PrivateACL(secret security.Secret) []zk.ACL {
	return zk.DigestACL(zk.PermAll, DigestUser, Password(secret))
}

// baseACL lets every cluster sharing an ensemble create its subtree.
func baseACL(secret security.Secret) []zk.ACL {
	return append(zk.WorldACL(zk.PermRead|zk.PermCreate), zk.DigestACL(zk.PermAll, DigestUser, Password(secret))...)
}

// Conn is a ZooKeeper connection (all of *zk.Conn) whose Close also waits
// for the client's goroutines to end.
type Conn struct {
	*zk.Conn
	events <-chan zk.Event
	secret security.Secret
}

// Dial starts connecting to cfg.Servers and returns at once; the client
// connects, reconnects, and opens a new session after an expiry on its own.
// onEvent (may be nil) sees every session and watch event, on the client's
// goroutine: it must not block. Call Authenticate once a session exists.
func Dial(cfg Config, secret security.Secret, log *zap.Logger, onEvent func(zk.Event)) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	if onEvent == nil {
		onEvent = func(zk.Event) {}
	}
	conn, events, err := zk.Connect(cfg.Servers, cfg.SessionTimeout,
		zk.WithLogger(zapLogger{log.Named("zookeeper")}), zk.WithEventCallback(onEvent))
	if err != nil {
		return nil, fmt.Errorf("connecting to ZooKeeper: %w", err)
	}
	return &Conn{Conn: conn, events: events, secret: secret}, nil
}

// Authenticate adds the RMs' digest credentials to the session; the client
// re-sends them after every reconnect and on every new session. It blocks
// until a server answers (or the client gives up a round of servers).
func (c *Conn) Authenticate() error {
	if err := c.AddAuth("digest", []byte(DigestUser+":"+Password(c.secret))); err != nil {
		return fmt.Errorf("authenticating to ZooKeeper: %w", err)
	}
	return nil
}

// WaitSession waits until the client has a session or ctx ends.
func (c *Conn) WaitSession(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for c.State() != zk.StateHasSession {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for a ZooKeeper session (state %s): %w", c.State(), ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// EnsurePath creates path and its missing parents as persistent nodes:
// BasePath with baseACL, everything below with ACL.
func (c *Conn) EnsurePath(path string) error {
	if !strings.HasPrefix(path, BasePath) {
		return fmt.Errorf("zookeeper path %s outside %s", path, BasePath)
	}
	cur := ""
	for _, part := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		cur += "/" + part
		acl := ACL(c.secret)
		if cur == BasePath {
			acl = baseACL(c.secret)
		}
		_, err := c.Create(cur, nil, 0, acl)
		if err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("creating %s: %w", cur, err)
		}
	}
	return nil
}

// Close ends the session (its ephemeral nodes vanish at once) and waits up
// to 10 s for the client's goroutines to finish.
func (c *Conn) Close() {
	c.Conn.Close()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case _, ok := <-c.events:
			if !ok {
				return
			}
		case <-deadline.C:
			return
		}
	}
}
