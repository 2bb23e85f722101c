package webui

import "github.com/goyarn/goyarn/api"

// HAStatus is this RM's high-availability situation, as the pages show it.
type HAStatus struct {
	// Enabled is false for a lone RM (the pages then say HA is not enabled
	// and show it ACTIVE).
	Enabled bool
	// ID is this RM's HA id (rm1, rm2, …); may be empty without HA.
	ID    string
	State api.HAState
	// ZKState is the ZooKeeper connection state (CONNECTED, …); empty
	// without HA.
	ZKState string
	// Peers are the other RMs of the cluster, with the state this RM
	// believes each is in: ACTIVE for the leader it knows of, else
	// whatever it knows ("" for nothing; shown as "not active" when an
	// active RM is known).
	Peers []RMRef
}

// RMRef names another RM of the cluster.
type RMRef struct {
	ID         string
	WebAddress string // host:port of its web UI and REST API
	State      api.HAState
}

// Active returns the active RM among the peers, if this RM knows of one.
func (h HAStatus) Active() (RMRef, bool) {
	for _, p := range h.Peers {
		if p.State == api.HAActive && p.WebAddress != "" {
			return p, true
		}
	}
	return RMRef{}, false
}

// normalized fills what a provider leaves out: an RM without HA that
// names no state is ACTIVE; with HA, INITIALIZING.
func (h HAStatus) normalized() HAStatus {
	if h.State == "" {
		h.State = api.HAInitializing
		if !h.Enabled {
			h.State = api.HAActive
		}
	}
	return h
}
