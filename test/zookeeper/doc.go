// Package zookeeper is the test harness for real ZooKeeper: it starts a
// standalone server or a 3-server ensemble of Debian's ZooKeeper (the Java
// server in /usr/share/java/zookeeper.jar) as processes on free loopback
// ports, each with its own data directory under the test's temp dir, waits
// until they serve (four-letter word `srvr` over TCP, with a deadline), and
// stops every process it started by pid when the test ends — also on failure.
// Tests stop, kill and restart single servers through it.
//
// Proxy is a TCP relay a test puts between one ZooKeeper client and the
// ensemble. Freezing it stops every byte in both directions while keeping the
// connections open, exactly like a SIGSTOPped client process: the servers
// expire the client's session while the client stays alive, which is how the
// fencing and deposition tests make a leader lose its session on demand.
//
// When the jar is missing, Start calls t.Skip saying so (`.ci/run` installs
// the package, so CI does not skip). This package owns only test plumbing; it
// knows nothing of goyarn's stores or electors.
package zookeeper
