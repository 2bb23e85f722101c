// Package multihost runs the seed's topology on simulated hosts, each its
// own network namespace with an address on a bridge the test creates and
// its own private directory (test/netsim): three hosts each running a
// ZooKeeper server, a ResourceManager and a NodeManager on the production
// ports (2181, 8088/8030, 8040/8042), a client host, and an object-store
// host running a real SeaweedFS S3 server (test/seaweed). Nothing is shared
// between hosts but what goes over that network: staging and aggregated
// logs live on the object store, every host has its own copy of the
// configuration directory (goyarn.yaml, the cluster secret, the token file,
// the S3 credentials), and every daemon finds its peers through it.
//
// Seed is the harness; the tests in this package are the suite `make
// test-multihost` runs (and `make test`). They need root (namespaces),
// ZooKeeper (Debian's zookeeper), a SeaweedFS binary (scripts/install-weed.sh)
// and bin/ built; without them they skip in one line, unless
// GOYARN_REQUIRE_MULTIHOST=1, which turns the skip into a failure (CI sets it).
package multihost
