// Package webapp is the RM's HTTP face: the public REST API under
// /ws/v1/cluster with Hadoop YARN's paths, JSON and RemoteException errors,
// and the internal RPC NodeManagers and ApplicationMasters call (api/rpc).
//
// Handlers decode, call the core, and encode — nothing else. One mapper
// (errors.go) turns the core's sentinel errors into HTTP statuses. Writes on
// the REST API identify the caller (user.name, or the user bound to a bearer
// token) and, when tokens are configured, require one; RPC calls are
// authenticated with the node key (NMs) or the attempt's AM token (AMs).
package webapp
