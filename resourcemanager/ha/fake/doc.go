// Package fake is an ha.Elector that tests drive by hand: Elect, Depose,
// SetLeader (another RM leads), SetConnState. It delivers events exactly like
// the ZooKeeper elector (ordered channel, Done closed at the instant of
// deposition) and records Resign and Close calls. It touches no ZooKeeper.
package fake
