// Package nmtest holds test helpers shared by the NodeManager's packages: a
// fake ResourceManager (an httptest server speaking the node side of
// api/rpc) and a poll helper. Test code only.
package nmtest
