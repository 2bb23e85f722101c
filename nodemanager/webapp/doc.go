// Package webapp serves the NodeManager's REST API with Hadoop YARN's paths
// and bodies (api/yarn): /ws/v1/node (node info, apps, containers, log file
// lists, raw log files) and the plain log pages /node/containerlogs/<cid>/<user>
// that the RM advertises as an AM's log link.
//
// Handlers decode, ask the container manager for a snapshot, and encode;
// errors are YARN RemoteException bodies. Log files are read through an
// os.Root on the container's log dir, and a file name with '/' or '..' is
// refused, so no request reads outside a log dir.
//
// It must not change container state or talk to the RM.
package webapp
