package main

import (
	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/appmaster/dshell"
)

// shellCommand is `appmaster shell`: the distributed shell AM. Flags take
// YARN DistributedShell's underscore spellings too.
func shellCommand(e env) *cli.Command {
	def := dshell.DefaultOptions()
	return &cli.Command{
		Name:  "shell",
		Usage: "run a shell command in N containers (YARN's DistributedShell)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "shell-command", Aliases: []string{"shell_command"}, Usage: "command to run in each container", Required: true},
			&cli.StringFlag{Name: "shell-args", Aliases: []string{"shell_args"}, Usage: "arguments appended to the command"},
			&cli.IntFlag{Name: "num-containers", Aliases: []string{"num_containers"}, Value: def.NumContainers, Usage: "number of containers"},
			&cli.Int64Flag{Name: "container-memory", Aliases: []string{"container_memory"}, Value: def.ContainerMemoryMB, Usage: "memory per container (MB)"},
			&cli.Int64Flag{Name: "container-vcores", Aliases: []string{"container_vcores"}, Value: def.ContainerVCores, Usage: "virtual cores per container"},
			&cli.IntFlag{Name: "priority", Value: int(def.Priority), Usage: "priority of the container requests"},
			&cli.StringSliceFlag{Name: "shell-env", Aliases: []string{"shell_env"}, Usage: "environment for the command, K=V (repeatable)"},
		},
		Action: func(c *cli.Context) error { return runShell(c, e) },
	}
}

func shellOptions(c *cli.Context) (dshell.Options, error) {
	o := dshell.DefaultOptions()
	o.ShellCommand = c.String("shell-command")
	o.ShellArgs = c.String("shell-args")
	o.NumContainers = c.Int("num-containers")
	o.ContainerMemoryMB = c.Int64("container-memory")
	o.ContainerVCores = c.Int64("container-vcores")
	o.Priority = int32(min(max(c.Int("priority"), -1), 1<<30))
	env, err := dshell.ParseEnv(c.StringSlice("shell-env"))
	o.ShellEnv = env
	if err != nil {
		return o, err
	}
	return o, o.Validate()
}

func runShell(c *cli.Context, e env) error {
	opts, err := shellOptions(c)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	log, err := newLogger(c, e.stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	cl, err := newClients(c, e, log)
	if err != nil {
		return err
	}
	defer cl.close()
	res, err := dshell.Run(c.Context, opts, dshell.Deps{RM: cl.rm, NM: cl.nm, Log: log, Host: cl.host, Heartbeat: cl.hb})
	if err != nil {
		log.Error("distributed shell ended with an error", zap.Error(err))
	}
	if !res.Succeeded() {
		return cli.Exit("", exitFailed)
	}
	return nil
}
