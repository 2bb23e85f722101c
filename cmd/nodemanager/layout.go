package main

import (
	"github.com/goyarn/goyarn/api/clusterconf"
	"github.com/goyarn/goyarn/nodemanager"
)

// layout applies the cluster's layout: every RM's RPC address, the cluster
// id, the staging URL, the remote log dir, the object store and the cluster
// secret. The node's own addresses stay its flags' (one host runs several).
func layout(cfg *nodemanager.Config, cl clusterconf.Cluster, _ func(string) string) error {
	cfg.RMAddresses = cl.RPCAddresses()
	cfg.ClusterID = cl.ClusterID
	setIf(&cfg.StagingDir, cl.Staging)
	setIf(&cfg.RemoteAppLogDir, cl.RemoteAppLogDir)
	setIf(&cfg.ClusterSecretFile, cl.ClusterSecretFile)
	cfg.Objects.Fill(cl.ObjectStore.Settings())
	return nil
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}
