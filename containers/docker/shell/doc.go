// Package shell is goyarn-sh: the POSIX shell the executor image runs as
// /bin/sh, so a FROM-scratch image can run YARN launch commands
// (`./appmaster … 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`, `/bin/sh -c '…'`).
// It is a thin layer over mvdan.cc/sh/v3/interp; cmd/goyarn-sh wires it.
//
// Invocation, as sh: `goyarn-sh -c 'cmd' [name [arg…]]`, `goyarn-sh script
// [arg…]`, or a script on stdin (`goyarn-sh [-s arg…]`); -e, -u, -x, -f, -n,
// -a and -o option may precede them.
// The exit status is the script's; a shell ended by a signal exits 128+n.
//
// Commands a scratch image lacks are built in, and a bare command name always
// means the builtin (run a file by path, e.g. /bin/ls, to bypass it): sleep,
// cat, env, hostname, date, ls, mkdir, rm, head, tail, wc (true, false, echo,
// printf, test, read, cd, pwd, wait, exit, … come with the interpreter). Each
// takes the common POSIX options (see builtins.go); paths are relative to the
// shell's current directory.
//
// Signals (HUP, INT, QUIT, TERM, USR1, USR2, ALRM) when handled (Handle):
//
//   - default: the signal is passed on to every command the shell is running,
//     the shell waits for them to end, then exits 128+n. So as a container's
//     main process goyarn-sh stops gracefully on `docker stop`: TERM reaches
//     the executor it runs, which gets the whole grace period.
//   - trap "" SIG: ignored (commands it starts inherit the ignore; Go programs
//     reset all but HUP and INT).
//   - trap "action" SIG: the action runs, in a subshell (variables it sets do
//     not persist; `exit n` in it ends the shell with n), at the next command
//     boundary: before the next command, after the running external command
//     ends, or at once when the signal interrupts a builtin sleep (which then
//     returns 128+n). The signal is not passed on.
//
// trap also keeps the interpreter's EXIT and ERR conditions. Not supported: job
// control, `kill` of a job, SIG_IGN inherited by a nested goyarn-sh for
// signals other than HUP and INT, and reaping orphans when run as PID 1 (the
// docker runtime starts containers with an init process for that).
//
// This package touches only what the scripts it runs touch; it knows nothing
// of containers or YARN.
package shell
