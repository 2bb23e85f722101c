package zkconn

import (
	"errors"

	"github.com/go-zookeeper/zk"
)

// ErrNotAuthorized: ZooKeeper refused a write for lack of permission — the
// cluster's nodes were created with another cluster secret.
var ErrNotAuthorized = errors.New("not authorized to write the cluster's ZooKeeper nodes (another cluster secret?)")

// Transient reports whether err is a ZooKeeper failure worth retrying: the
// connection broke, no server answered, or the session was replaced. An
// operation that failed this way may or may not have been applied.
func Transient(err error) bool {
	return errors.Is(err, zk.ErrConnectionClosed) || errors.Is(err, zk.ErrNoServer) ||
		errors.Is(err, zk.ErrSessionExpired) || errors.Is(err, zk.ErrSessionMoved)
}
