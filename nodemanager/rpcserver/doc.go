// Package rpcserver serves the NodeManager's container RPC (api/rpc paths
// /rpc/v1/containers/{start,stop,status}): it decodes the JSON body, hands
// it to the container manager, and encodes the answer or an rpc.Error.
// Authentication is by container token, checked by the container manager;
// a malformed body or a bad token changes nothing.
//
// It must not hold container state or talk to the RM.
package rpcserver
