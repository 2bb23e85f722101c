package api

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ErrInvalidID is wrapped by every id parse error.
var ErrInvalidID = errors.New("invalid id")

// ApplicationID identifies an application: application_<clusterTs>_<seq>,
// where clusterTs is the start time (ms) of the RM that assigned it.
type ApplicationID struct {
	ClusterTimestamp int64
	Seq              int32
}

func (a ApplicationID) String() string {
	if a.IsZero() {
		return ""
	}
	return fmt.Sprintf("application_%d_%04d", a.ClusterTimestamp, a.Seq)
}

// IsZero reports whether a is the zero id.
func (a ApplicationID) IsZero() bool { return a == ApplicationID{} }

// MarshalText encodes the id in YARN's text form.
func (a ApplicationID) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses YARN's text form; the empty string is the zero id.
func (a *ApplicationID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*a = ApplicationID{}
		return nil
	}
	v, err := ParseApplicationID(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseApplicationID parses application_<clusterTs>_<seq>.
func ParseApplicationID(s string) (ApplicationID, error) {
	parts := strings.Split(s, "_")
	if len(parts) != 3 || parts[0] != "application" {
		return ApplicationID{}, fmt.Errorf("%w: %q is not an application id (application_<clusterTimestamp>_<sequence>)", ErrInvalidID, s)
	}
	ts, seq, err := parseTsSeq(parts[1], parts[2])
	if err != nil {
		return ApplicationID{}, fmt.Errorf("%w: application id %q: %v", ErrInvalidID, s, err)
	}
	return ApplicationID{ClusterTimestamp: ts, Seq: seq}, nil
}

// AttemptID identifies one attempt of an application:
// appattempt_<clusterTs>_<seq>_<attempt>.
type AttemptID struct {
	App     ApplicationID
	Attempt int32
}

func (a AttemptID) String() string {
	if a.IsZero() {
		return ""
	}
	return fmt.Sprintf("appattempt_%d_%04d_%06d", a.App.ClusterTimestamp, a.App.Seq, a.Attempt)
}

// IsZero reports whether a is the zero id.
func (a AttemptID) IsZero() bool { return a == AttemptID{} }

// MarshalText encodes the id in YARN's text form.
func (a AttemptID) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses YARN's text form; the empty string is the zero id.
func (a *AttemptID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*a = AttemptID{}
		return nil
	}
	v, err := ParseAttemptID(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseAttemptID parses appattempt_<clusterTs>_<seq>_<attempt>.
func ParseAttemptID(s string) (AttemptID, error) {
	parts := strings.Split(s, "_")
	if len(parts) != 4 || parts[0] != "appattempt" {
		return AttemptID{}, fmt.Errorf("%w: %q is not an application attempt id (appattempt_<clusterTimestamp>_<sequence>_<attempt>)", ErrInvalidID, s)
	}
	ts, seq, err := parseTsSeq(parts[1], parts[2])
	if err != nil {
		return AttemptID{}, fmt.Errorf("%w: attempt id %q: %v", ErrInvalidID, s, err)
	}
	n, err := parsePositive32(parts[3])
	if err != nil {
		return AttemptID{}, fmt.Errorf("%w: attempt id %q: attempt number: %v", ErrInvalidID, s, err)
	}
	return AttemptID{App: ApplicationID{ClusterTimestamp: ts, Seq: seq}, Attempt: n}, nil
}

// ContainerID identifies a container:
// container_[e<epoch>_]<clusterTs>_<seq>_<attempt>_<n>. The epoch is the RM
// epoch at allocation time, so ids never repeat across failovers.
type ContainerID struct {
	Attempt AttemptID
	Epoch   int64
	Seq     int64
}

func (c ContainerID) String() string {
	if c.IsZero() {
		return ""
	}
	a := c.Attempt
	if c.Epoch > 0 {
		return fmt.Sprintf("container_e%02d_%d_%04d_%02d_%06d", c.Epoch, a.App.ClusterTimestamp, a.App.Seq, a.Attempt, c.Seq)
	}
	return fmt.Sprintf("container_%d_%04d_%02d_%06d", a.App.ClusterTimestamp, a.App.Seq, a.Attempt, c.Seq)
}

// IsZero reports whether c is the zero id.
func (c ContainerID) IsZero() bool { return c == ContainerID{} }

// App is the application the container belongs to.
func (c ContainerID) App() ApplicationID { return c.Attempt.App }

// MarshalText encodes the id in YARN's text form.
func (c ContainerID) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses YARN's text form; the empty string is the zero id.
func (c *ContainerID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = ContainerID{}
		return nil
	}
	v, err := ParseContainerID(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseContainerID parses container_[e<epoch>_]<clusterTs>_<seq>_<attempt>_<n>.
func ParseContainerID(s string) (ContainerID, error) {
	bad := func(why string) (ContainerID, error) {
		return ContainerID{}, fmt.Errorf("%w: container id %q: %s", ErrInvalidID, s, why)
	}
	parts := strings.Split(s, "_")
	if len(parts) < 5 || parts[0] != "container" {
		return bad("want container_[e<epoch>_]<clusterTimestamp>_<sequence>_<attempt>_<number>")
	}
	var epoch int64
	if strings.HasPrefix(parts[1], "e") {
		e, err := strconv.ParseInt(parts[1][1:], 10, 64)
		if err != nil || e < 0 || e >= 1<<24 {
			return bad("epoch is not a number below 2^24")
		}
		epoch = e
		parts = parts[1:]
	}
	if len(parts) != 5 {
		return bad("want container_[e<epoch>_]<clusterTimestamp>_<sequence>_<attempt>_<number>")
	}
	ts, seq, err := parseTsSeq(parts[1], parts[2])
	if err != nil {
		return bad(err.Error())
	}
	attempt, err := parsePositive32(parts[3])
	if err != nil {
		return bad("attempt number: " + err.Error())
	}
	n, err := strconv.ParseInt(parts[4], 10, 64)
	if err != nil || n <= 0 || n >= 1<<40 {
		return bad("container number is not a positive number below 2^40")
	}
	return ContainerID{
		Attempt: AttemptID{App: ApplicationID{ClusterTimestamp: ts, Seq: seq}, Attempt: attempt},
		Epoch:   epoch,
		Seq:     n,
	}, nil
}

// NodeID identifies a NodeManager by the host and port of its RPC endpoint.
type NodeID struct {
	Host string
	Port int
}

func (n NodeID) String() string {
	if n.IsZero() {
		return ""
	}
	return net.JoinHostPort(n.Host, strconv.Itoa(n.Port))
}

// IsZero reports whether n is the zero id.
func (n NodeID) IsZero() bool { return n == NodeID{} }

// MarshalText encodes the id as host:port.
func (n NodeID) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalText parses host:port; the empty string is the zero id.
func (n *NodeID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*n = NodeID{}
		return nil
	}
	v, err := ParseNodeID(string(b))
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// ParseNodeID parses host:port.
func ParseNodeID(s string) (NodeID, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" {
		return NodeID{}, fmt.Errorf("%w: node id %q: want host:port", ErrInvalidID, s)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p <= 0 || p > 65535 {
		return NodeID{}, fmt.Errorf("%w: node id %q: port must be 1-65535", ErrInvalidID, s)
	}
	return NodeID{Host: host, Port: p}, nil
}

func parseTsSeq(tsText, seqText string) (int64, int32, error) {
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || ts <= 0 {
		return 0, 0, fmt.Errorf("cluster timestamp %q is not a positive number", tsText)
	}
	seq, err := parsePositive32(seqText)
	if err != nil {
		return 0, 0, fmt.Errorf("sequence: %v", err)
	}
	return ts, seq, nil
}

func parsePositive32(s string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive number", s)
	}
	return int32(n), nil
}
