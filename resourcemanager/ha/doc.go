// Package ha is the ResourceManager's leader election seen from the RM: the
// Elector interface, the events it delivers, who leads, and the ZooKeeper
// connection state for haZooKeeperConnectionState.
//
// Implementations: resourcemanager/ha/zkelect (ZooKeeper: ephemeral
// sequential candidates, each watching its predecessor) and
// resourcemanager/ha/fake (driven by tests). Shared ZooKeeper plumbing lives
// in resourcemanager/ha/zkconn.
//
// How the RM uses an Elector:
//
//	for ev := range el.Events() {
//		switch ev.Kind {
//		case ha.Elected: // bump the store's epoch, load, grace period, enable leader work;
//			//            tie leader work to ev.Done: it closes the moment leadership ends
//		case ha.Deposed: // disable leader work (already stopped if tied to Done)
//		}
//	}
//
// Events arrive on a channel rather than through callbacks: the RM's single
// owner loop selects on it next to its other inputs, the elector never runs
// RM code on its own goroutines or under its locks (so an RM may call Resign
// or Close from anywhere without deadlock), and a slow consumer never holds
// up the elector's reaction to ZooKeeper. Because a channel can lag, every
// Elected event carries Done, closed synchronously at the instant of
// deposition — "stop at once" does not wait for the consumer to read.
//
// This package holds types only: no goroutines, no ZooKeeper, nothing of the
// RM's core, webapp or server.
package ha
