// Package dockertest gives tests a Docker daemon and an executor image built
// from this tree: Prepare pings the daemon, builds goyarn-sh (static) and
// makes sure goyarn/executor:test-<content hash> exists, reusing it when the
// hash matches. Where no daemon answers, Skip skips in one line; where one
// answers but the image cannot be built, tests fail.
//
// It touches only images tagged goyarn/executor:test-* (and the untagged
// ones such builds leave), and containers only to list them (Leftovers).
package dockertest
