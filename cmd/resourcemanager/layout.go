package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/goyarn/goyarn/api/clusterconf"
	"github.com/goyarn/goyarn/cmd/internal/daemon"
	"github.com/goyarn/goyarn/resourcemanager"
)

// layout applies the cluster's layout: this RM's addresses from its entry
// (the --ha-id given, the only RM listed, or the one on this host), every
// RM's addresses for AMs, ZooKeeper and recovery for an HA cluster, the
// staging URL, the remote log dir, the object store and the secret files.
func layout(cfg *resourcemanager.Config, cl clusterconf.Cluster, peek func(string) string) error {
	me, err := pickRM(cl, peek("ha-id"), clusterconf.InterfaceAddrs(), lookupIPs)
	if err != nil {
		return err
	}
	cfg.ClusterID = cl.ClusterID
	cfg.WebAddress, cfg.RPCAddress = me.Web, me.RPC
	cfg.RMRPCAddresses = cl.RPCAddresses()
	cfg.RMWebAddresses = nil
	for _, rm := range cl.ResourceManagers {
		cfg.RMWebAddresses = append(cfg.RMWebAddresses, rm.Web)
	}
	if cl.HA() {
		cfg.HAID = me.ID
		cfg.Recovery = "zookeeper"
		cfg.ZKAddress = cl.ZooKeeper
	}
	if cl.ZKSessionTimeout != "" {
		d, err := time.ParseDuration(cl.ZKSessionTimeout)
		if err != nil {
			return fmt.Errorf("zk-session-timeout %q: %v", cl.ZKSessionTimeout, err)
		}
		cfg.ZKSessionTimeout = d
	}
	daemon.SetIf(&cfg.StagingDir, cl.Staging)
	daemon.SetIf(&cfg.RemoteAppLogDir, cl.RemoteAppLogDir)
	daemon.SetIf(&cfg.ClusterSecretFile, cl.ClusterSecretFile)
	daemon.SetIf(&cfg.AuthTokenFile, cl.AuthTokenFile)
	cfg.Objects.Fill(cl.ObjectStore.Settings())
	return nil
}

// pickRM finds this RM's entry: by id, else the only one, else the one
// whose host is an address of this machine.
func pickRM(cl clusterconf.Cluster, id string, local []net.IP, lookup func(string) ([]net.IP, error)) (clusterconf.RM, error) {
	if id != "" {
		rm, ok := cl.RM(id)
		if !ok {
			ids := make([]string, len(cl.ResourceManagers))
			for i, r := range cl.ResourceManagers {
				ids[i] = r.ID
			}
			return rm, fmt.Errorf("ha-id %s is not among its resourcemanagers (%s)", id, strings.Join(ids, ", "))
		}
		return rm, nil
	}
	if len(cl.ResourceManagers) == 1 {
		return cl.ResourceManagers[0], nil
	}
	return cl.LocalRM(local, lookup)
}

func lookupIPs(host string) ([]net.IP, error) { return net.LookupIP(host) }
