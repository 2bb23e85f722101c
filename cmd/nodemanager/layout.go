package main

import (
	"github.com/goyarn/goyarn/api/clusterconf"
	"github.com/goyarn/goyarn/cmd/internal/daemon"
	"github.com/goyarn/goyarn/nodemanager"
)

// layout applies the cluster's layout: every RM's RPC address, the cluster
// id, the staging URL, the remote log dir, the object store and the cluster
// secret. The node's own addresses stay its flags' (one host runs several).
func layout(cfg *nodemanager.Config, cl clusterconf.Cluster, _ func(string) string) error {
	cfg.RMAddresses = cl.RPCAddresses()
	cfg.ClusterID = cl.ClusterID
	daemon.SetIf(&cfg.StagingDir, cl.Staging)
	daemon.SetIf(&cfg.RemoteAppLogDir, cl.RemoteAppLogDir)
	daemon.SetIf(&cfg.ClusterSecretFile, cl.ClusterSecretFile)
	cfg.Objects.Fill(cl.ObjectStore.Settings())
	return nil
}
