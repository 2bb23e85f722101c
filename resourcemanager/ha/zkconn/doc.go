// Package zkconn is what goyarn's ZooKeeper clients share: the connection
// config (servers, session timeout, cluster id), dialing go-zookeeper with
// its logs routed into zap, the digest credentials and ACLs derived from the
// cluster secret, and the znode layout under /goyarn/<cluster-id>.
//
// ACLs: /goyarn may be read by anyone and gains children from anyone (so
// several clusters share one ensemble); /goyarn/<cluster-id> and everything
// below may be read by anyone but written only by the cluster's RMs, who
// authenticate with the digest scheme as user "goyarn-rm" and a password
// derived from the cluster secret (HMAC, purpose "zookeeper-digest").
//
// Used by the elector (resourcemanager/ha/zkelect) and the ZooKeeper store
// (resourcemanager/store/zk); it holds no state of its own and touches no
// znode outside what its callers ask for.
package zkconn
