package ha

import (
	"context"
	"time"
)

// Candidate describes an RM taking part in the election: what a standby
// needs to name the active RM and redirect to it.
type Candidate struct {
	HAID       string `json:"haId"`       // rm1, rm2, …
	WebAddress string `json:"webAddress"` // host:port of the REST API
	RPCAddress string `json:"rpcAddress"` // host:port of internal RPC
}

// EventKind says what happened to this RM's leadership.
type EventKind int

// Event kinds.
const (
	// Elected: this RM leads from now on until Event.Done closes.
	Elected EventKind = iota + 1
	// Deposed: this RM no longer leads (delivered after Done closed).
	Deposed
)

func (k EventKind) String() string {
	switch k {
	case Elected:
		return "Elected"
	case Deposed:
		return "Deposed"
	}
	return "EventKind(?)"
}

// Event is one change of this RM's leadership. Events alternate strictly:
// Elected (term n), Deposed (term n), Elected (term n+1), …
type Event struct {
	Kind EventKind
	// Term counts this elector's elections from 1; a Deposed event carries
	// the term it ends.
	Term int64
	// Done, on Elected events, closes the moment the term ends — before
	// the matching Deposed event is delivered, and even if nobody reads
	// the event channel. Nil on Deposed events.
	Done <-chan struct{}
	// Reason, on Deposed events, says why: session expired, disconnected
	// from ZooKeeper too long, resigned, elector closed, …
	Reason string
	// At is when the elector decided.
	At time.Time
}

// ConnState is the elector's ZooKeeper connection state, as the RM reports
// it in clusterInfo.haZooKeeperConnectionState.
type ConnState string

// Connection states.
const (
	Connected    ConnState = "CONNECTED"    // a live session
	Connecting   ConnState = "CONNECTING"   // dialing or establishing a session
	Disconnected ConnState = "DISCONNECTED" // lost the server; the session may yet survive
	Expired      ConnState = "EXPIRED"      // the session expired; a new one is being opened
	AuthFailed   ConnState = "AUTH_FAILED"
	Closed       ConnState = "CLOSED" // the elector was closed
)

// Elector runs this RM's side of the leader election. It campaigns from the
// moment it is created until Close.
type Elector interface {
	// Events delivers Elected and Deposed in order. It is closed by Close;
	// events not yet read then are dropped.
	Events() <-chan Event
	// IsLeader reports whether this RM leads right now.
	IsLeader() bool
	// Leader is the leading RM as last seen (this RM itself while it
	// leads); false when no leader is known.
	Leader() (Candidate, bool)
	// ConnState is the ZooKeeper connection state (Connected for electors
	// without ZooKeeper).
	ConnState() ConnState
	// Resign gives up leadership at once, so another candidate takes over
	// without waiting for a session timeout, and campaigns again behind the
	// others. It returns once the hand-over has been triggered; a no-op
	// when this RM does not lead.
	Resign(ctx context.Context) error
	// Close leaves the election for good: leadership ends (Done closes,
	// Deposed is queued), the candidacy is withdrawn at once, the event
	// channel closes.
	Close() error
}
