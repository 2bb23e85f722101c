// Package netsim simulates several hosts on one Linux machine for multi-host
// end-to-end tests: each Host is its own network namespace with its own
// loopback and one address on a private /24, and every process started on it
// sees a private filesystem in which only its own root directory exists.
//
// # Network
//
// A Network owns a "switch" network namespace holding a Linux bridge (br0,
// no address). AddHost creates a network namespace for the host and a veth
// pair directly inside the two namespaces — the host side is eth0 with
// Host.IP/24, the switch side is a bridge port — so the caller's (root)
// namespace never gets an interface, address or route: test traffic can only
// flow between the simulated hosts. Hosts have no DNS; use IPs. Isolate and
// Rejoin take a host's bridge port down and up (a partition).
//
// # Private filesystem
//
// Every host's root is Network.Dir/<host> (Host.Root). Host.Command runs a
// program through this exec chain, each step exec'ing the next, so that
// cmd.Process.Pid is the program's own pid:
//
//	ip netns exec <host-netns> \
//	  unshare --mount --propagation private \
//	  sh -c '<script>' netsim-<host> <base> <Dir> <host> <program> <args...>
//
// where the script, in the new mount namespace, does
//
//	mount --bind <Dir>/<host> <base>/.stage   # keep a handle on the host's root
//	mount -t tmpfs netsim <Dir>               # hide every host's root
//	mkdir <Dir>/<host>
//	mount --move <base>/.stage <Dir>/<host>   # put back only this host's root
//	mount -o remount,ro <Dir>                 # nothing else can be created there
//	cd <the working directory, re-resolved>; exec <program> <args...>
//
// So a process on host a cannot open host b's files, yet the same path names
// work on every host, and the test process itself (outside any host) sees all
// roots at their real paths. Everything outside Network.Dir — the repository's
// bin/, /usr, /tmp — stays visible and writable as usual: shared programs are
// fine, but all host state must live under Host.Root. Command sets TMPDIR to
// Host.Root/tmp for that reason.
//
// What a host's process can still reach, by design or by limitation: the
// shared pid namespace (it can see and signal other hosts' processes, and, as
// root, read their files through /proc/<pid>/root), paths outside
// Network.Dir (including unix sockets there), and the Docker daemon, whose
// containers live outside the host's namespaces.
//
// # Processes
//
// Host.Start (or StartCommand, for a Command with its own Env) runs a program
// in the background with its output appended to Host.Root/logs/<name>.log and
// stops it when the test ends: SIGTERM, then after Options.StopGrace SIGKILL
// to its process group, waited; the log's tail is printed if the test failed.
// Host.KillAll is "the host dies": SIGKILL to every process in the host's
// network namespace, including ones that left their process group, waited
// until each has exited; the root survives like a disk and Start works
// again. Host.Pids lists what runs on a host. Every program also gets
// Pdeathsig SIGKILL, so a test binary that crashes takes its direct children
// with it. A program's private view exists once it runs: wait for it to say
// it is ready (a file, a port) before relying on its view.
//
// # Names, leftovers and skipping
//
// Namespaces are named <prefix>-<pid>-<n>-sw and <prefix>-<pid>-<n>-h-<host>,
// with the test process's pid and a per-process counter, so concurrent tests
// and concurrent `go test` runs never collide. New first deletes namespaces
// of the same prefix whose pid is dead (a crashed run), first killing what
// still runs in them (by pidfd, only processes still in that namespace). Interfaces live only inside our namespaces (eth0, br0, p<n>),
// so their names cannot collide either.
//
// New skips the test, in one line, when not root or when `ip netns`,
// unshare or mount are unavailable; GOYARN_REQUIRE_NETNS=1 turns that skip
// into a failure. Every deadline is scaled by GOYARN_TEST_TIMEOUT_SCALE.
//
// This package owns only test plumbing: it knows nothing of goyarn's daemons,
// and it must not touch the caller's namespace's interfaces, routes or
// firewall.
package netsim
