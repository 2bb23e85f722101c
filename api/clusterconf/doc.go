// Package clusterconf reads the cluster's layout: the one configuration
// file (goyarn.yaml) every daemon and client of a cluster reads by default,
// as Hadoop's daemons and clients read yarn-site.xml from YARN_CONF_DIR.
//
// It names the ResourceManagers (ids with their web and RPC addresses, as
// yarn.resourcemanager.ha.rm-ids), the ZooKeeper servers, the staging URL
// and the remote log directory (file:// or s3://), the object store's
// endpoint and credentials file, and the cluster's secret and token files.
// Relative file paths are taken from the configuration directory.
//
// Find locates it: $GOYARN_CONF_DIR/goyarn.yaml, else conf/goyarn.yaml next
// to the binaries' directory (bin/../conf: a checkout or an unpacked
// release), else /etc/goyarn/goyarn.yaml. No file is not an error: the
// single-machine defaults apply (one RM on 127.0.0.1:8088).
//
// The package reads files and the environment it is given; it owns no flag
// and starts nothing. Precedence is the caller's: daemons apply a Cluster
// first and let their own config file, environment and flags override it.
package clusterconf
