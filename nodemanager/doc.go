// Package nodemanager wires a goyarn NodeManager together: its Config, the
// container manager, localizer, health checker, status updater (register and
// heartbeat with the RM), the container RPC server and the NM REST server,
// and their start and graceful stop.
//
// Subpackages own the parts: containermanager (containers and applications
// on this node), localizer (local resources), nmstate (recovery records),
// health (disks), statusupdater (the RM protocol), rpcserver (container
// start/stop/status RPC), webapp (/ws/v1/node and the log pages).
//
// Choices where YARN's behaviour did not carry over directly:
//   - A graceful stop kills the node's containers (exit status -100) and
//     unregisters, so the RM marks the node SHUTDOWN at once. With
//     Supervised set it does neither: the containers keep running and the
//     node re-registers when the NodeManager comes back (YARN's
//     yarn.nodemanager.recovery.supervised), reporting them.
//   - Container starts are synchronous: the start RPC answers once the
//     container runs or has failed to localize or launch.
//
// The NodeManager speaks to the RM only through api/rpc; it never imports
// resourcemanager/. Flags and environment are read in cmd/nodemanager only.
package nodemanager
