package dshell

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/goyarn/goyarn/api"
)

// ErrInvalidOptions is wrapped by every Options problem.
var ErrInvalidOptions = errors.New("invalid distributed shell options")

// Options are the distributed shell's knobs (YARN DistributedShell's names,
// with hyphens).
type Options struct {
	ShellCommand      string            // --shell-command: the command to run
	ShellArgs         string            // --shell-args: appended after a space
	NumContainers     int               // --num-containers
	ContainerMemoryMB int64             // --container-memory
	ContainerVCores   int64             // --container-vcores
	Priority          int32             // --priority of the container requests
	ShellEnv          map[string]string // --shell-env K=V, repeatable
}

// DefaultOptions: one container of 1024 MB and 1 vcore at priority 0.
func DefaultOptions() Options {
	return Options{NumContainers: 1, ContainerMemoryMB: 1024, ContainerVCores: 1}
}

// Validate reports every problem at once.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...))
	}
	if strings.TrimSpace(o.ShellCommand) == "" {
		bad("no shell command (--shell-command)")
	}
	if o.NumContainers < 1 {
		bad("--num-containers %d must be at least 1", o.NumContainers)
	}
	if o.ContainerMemoryMB <= 0 {
		bad("--container-memory %d must be positive (MB)", o.ContainerMemoryMB)
	}
	if o.ContainerVCores <= 0 {
		bad("--container-vcores %d must be positive", o.ContainerVCores)
	}
	if o.Priority < 0 {
		bad("--priority %d must not be negative", o.Priority)
	}
	for k := range o.ShellEnv {
		if k == "" || strings.ContainsAny(k, "= \t\n") {
			bad("--shell-env name %q is not a variable name", k)
		}
	}
	return errors.Join(errs...)
}

// ParseEnv turns K=V pairs into a map. A pair without "=" sets K to the
// empty string, as DistributedShell does.
func ParseEnv(pairs []string) (map[string]string, error) {
	env := make(map[string]string, len(pairs))
	var errs []error
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		if k = strings.TrimSpace(k); k == "" {
			errs = append(errs, fmt.Errorf("%w: --shell-env %q has no name", ErrInvalidOptions, p))
			continue
		}
		env[k] = v
	}
	return env, errors.Join(errs...)
}

// Capability is the size of each container.
func (o Options) Capability() api.Resource { return api.Res(o.ContainerMemoryMB, o.ContainerVCores) }

// ShellLine is the command and its arguments as one shell line.
func (o Options) ShellLine() string {
	if o.ShellArgs == "" {
		return o.ShellCommand
	}
	return o.ShellCommand + " " + o.ShellArgs
}

// LaunchContext is what each container runs: the shell line under
// /bin/sh -c, stdout and stderr into the container's log dir, with ShellEnv.
func (o Options) LaunchContext() api.LaunchContext {
	env := make(map[string]string, len(o.ShellEnv))
	for k, v := range o.ShellEnv {
		env[k] = v
	}
	return api.LaunchContext{
		Environment: env,
		Commands: []string{
			"/bin/sh", "-c", shellQuote(o.ShellLine()),
			"1>" + api.PlaceholderLogDir + "/stdout", "2>" + api.PlaceholderLogDir + "/stderr",
		},
	}
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// exitName names YARN's special exit statuses.
func exitName(code int) string {
	names := map[int]string{
		api.ExitAborted: "ABORTED", api.ExitDisksFailed: "DISKS_FAILED", api.ExitPreempted: "PREEMPTED",
		api.ExitKilledExceededVMem: "KILLED_EXCEEDED_VMEM", api.ExitKilledExceededPMem: "KILLED_EXCEEDED_PMEM",
		api.ExitKilledByAppMaster: "KILLED_BY_APPMASTER", api.ExitKilledByResourceManager: "KILLED_BY_RESOURCEMANAGER",
		api.ExitKilledAfterAppCompletion: "KILLED_AFTER_APP_COMPLETION",
	}
	return names[code]
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
