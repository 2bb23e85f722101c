// Package clienttest holds fakes for testing REST clients: a ResourceManager
// (with standby redirects and "no active RM" answers) and a NodeManager
// serving container logs, both on httptest servers bound to 127.0.0.1. They
// speak the api/yarn shapes and nothing else; they import no daemon package.
package clienttest
