// Package process is the containers.Runtime that runs each container as a
// shell in its own process group on this host (YARN's
// DefaultContainerExecutor), for nodes without a Docker engine.
//
// Each container gets a state dir, <StateDir>/<container id>/, holding:
//
//	spec.json     what Recover needs: command, dirs, resource, start time
//	launch.sh     the launch script: runs the command with /bin/sh -c, then
//	              writes its exit code to exitcode.tmp and renames it
//	pid           "<pid> <start ticks>": the shell's pid (also its process
//	              group id) and its start time from /proc/<pid>/stat, so a
//	              reused pid is not mistaken for the container
//	exitcode      the command's exit code, written by launch.sh
//	outcome.json  an end the runtime forced (memory kill, SIGKILL after grace),
//	              written before it signals
//
// Start returns once the command's own shell runs (it writes a byte to a
// readiness pipe first), so a Stop right after Start is not lost.
//
// The shell runs in Spec.WorkDir with exactly Spec.Env (plus a default PATH
// when absent); stdout and stderr are appended to LogDir/stdout and
// LogDir/stderr, files rather than pipes, so containers outlive the NM. Close
// never stops a container; a new Runtime on the same StateDir re-attaches to
// them with Recover. Spec.User is not switched to: containers run as the NM's
// user (YARN's non-secure mode). Spec.Image is ignored.
//
// A memory monitor scans /proc once per interval, sums RSS per process group
// and kills (SIGKILL to the group) every container over its
// Spec.Resource.MemoryMB, reporting api.ExitKilledExceededPMem with YARN's
// diagnostics. Processes that leave the container's process group (setsid,
// setpgid) escape both the monitor and Stop; processes left behind in the
// group after the shell has exited on its own are not killed.
//
// This package touches only its StateDir, the container's log files and the
// processes of its containers' groups. It knows nothing of the NM.
package process
