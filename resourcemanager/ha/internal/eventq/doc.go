// Package eventq delivers an elector's events in order on a channel without
// ever blocking the elector: an unbounded queue drained by one goroutine.
// Shared by the zk and fake electors so both behave alike.
package eventq
