// Package seaweed is the test harness for a real S3 server: it runs
// SeaweedFS (`weed server -s3`: master, volume server, filer and S3 gateway
// in one process) on free ports, with its data under the test's temp dir and
// an identities file holding one random key pair, creates a bucket through
// the S3 API, and waits (with a deadline scaled by GOYARN_TEST_TIMEOUT_SCALE)
// until a PutObject/GetObject round trip works (about 11 s: the embedded
// filer waits out a peer scan). The process group is SIGKILLed when the test
// ends, also on failure (a graceful stop takes SeaweedFS over 15 s and the
// data is thrown away), and the unix sockets weed leaves in /tmp for its
// ports are removed; a Pdeathsig takes the server down with a test binary
// that dies without running cleanups.
//
// The server runs `weed server` with master, volume, filer and S3 gateway
// on eight free ports (gRPC ports set explicitly: weed's default of
// port+10000 can collide or overflow), telemetry off, bucket autocreation
// off (so a missing bucket is NoSuchBucket, not created on first write),
// one admin identity with a random key pair, and HOME and TMPDIR in the
// data dir so no stray ~/.seaweedfs config applies.
//
// The binary is found by Binary: $GOYARN_WEED, else the newest
// ${XDG_CACHE_HOME:-$HOME/.cache}/goyarn/weed-*, else `weed` on PATH
// (scripts/install-weed.sh builds it into the cache). Without one, Start
// skips the test in one line, or fails it when GOYARN_REQUIRE_WEED=1 (CI).
//
// Options.BindIP and Options.CommandPrefix let a multi-host test run the
// server inside a network namespace (`ip netns exec NAME`) on a
// non-loopback address.
//
// This package imports only the standard library and minio-go; it knows
// nothing of goyarn's object store or daemons.
package seaweed
