// Package e2e holds goyarn's end-to-end suites: real ResourceManager and
// NodeManager processes on free loopback ports (see test/cluster), driven
// through the public REST API and the goyarn CLI, as users drive them.
package e2e
