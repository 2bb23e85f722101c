package goyarn

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

// Defaults of `goyarn shell`, as YARN's DistributedShell client has them.
const (
	appmasterName = "appmaster"
	shellAppType  = "YARN"
)

// Exit statuses of `goyarn shell`, as DistributedShell's client uses them.
const (
	exitShellError  = 1 // the client could not submit or follow the application
	exitShellFailed = 2 // the application did not finish SUCCEEDED
)

func shellCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:      "shell",
		Usage:     "run a shell command in containers of the cluster (YARN's DistributedShell)",
		UsageText: "goyarn shell --shell-command <cmd> [--shell-args <args>] [--num-containers N] [options]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "shell-command", Usage: "the command each container runs under /bin/sh -c"},
			&cli.StringFlag{Name: "shell-args", Usage: "arguments appended to the command after a space"},
			&cli.StringSliceFlag{Name: "shell-env", Usage: "K=V set in each container (repeatable)"},
			&cli.IntFlag{Name: "num-containers", Value: 1, Usage: "how many containers run the command"},
			&cli.Int64Flag{Name: "container-memory", Value: 1024, Usage: "memory of each container (MB)"},
			&cli.Int64Flag{Name: "container-vcores", Value: 1, Usage: "virtual cores of each container"},
			&cli.Int64Flag{Name: "master-memory", Value: 1024, Usage: "memory of the application master (MB)"},
			&cli.Int64Flag{Name: "master-vcores", Value: 1, Usage: "virtual cores of the application master"},
			&cli.StringFlag{Name: "queue", Value: "default", Usage: "queue to submit to"},
			&cli.StringFlag{Name: "name", Value: "DistributedShell", Usage: "application name"},
			&cli.IntFlag{Name: "priority", Usage: "application priority"},
			&cli.StringFlag{Name: "appmaster-binary", Usage: "the appmaster to stage (default: next to goyarn, else on PATH)"},
			&cli.StringFlag{Name: "staging-dir", EnvVars: []string{EnvStagingDir},
				Usage: "where files are staged for the NodeManagers: file:///dir, s3://bucket/prefix or a directory", DefaultText: "the cluster layout's staging"},
			&cli.BoolFlag{Name: "no-wait", Usage: "exit once the application is submitted"},
		},
		Action: func(c *cli.Context) error { return runShell(c, o) },
	}
}

// shellSpec is a validated `goyarn shell` invocation.
type shellSpec struct {
	command, args          string
	env                    map[string]string
	containers             int
	memory, vcores         int64
	amMemory, amVCores     int64
	queue, name, appmaster string
	priority               int32
}

func parseShell(c *cli.Context, o *Options) (*shellSpec, error) {
	sp := &shellSpec{command: c.String("shell-command"), args: c.String("shell-args"), env: map[string]string{},
		containers: c.Int("num-containers"), memory: c.Int64("container-memory"), vcores: c.Int64("container-vcores"),
		amMemory: c.Int64("master-memory"), amVCores: c.Int64("master-vcores"), queue: c.String("queue"),
		name: c.String("name"), priority: int32(c.Int("priority"))}
	var bad []string
	if strings.TrimSpace(sp.command) == "" {
		bad = append(bad, "no shell command (--shell-command)")
	}
	for _, p := range []struct {
		flag string
		v    int64
	}{{"num-containers", int64(sp.containers)}, {"container-memory", sp.memory}, {"container-vcores", sp.vcores},
		{"master-memory", sp.amMemory}, {"master-vcores", sp.amVCores}} {
		if p.v <= 0 {
			bad = append(bad, fmt.Sprintf("--%s must be positive, got %d", p.flag, p.v))
		}
	}
	if c.Int("priority") < 0 || c.Int("priority") > 1<<30 {
		bad = append(bad, fmt.Sprintf("--priority must be at least 0, got %d", c.Int("priority")))
	}
	for _, kv := range c.StringSlice("shell-env") {
		k, v, _ := strings.Cut(kv, "=")
		if k = strings.TrimSpace(k); k == "" || strings.ContainsAny(k, " \t\n") {
			bad = append(bad, fmt.Sprintf("--shell-env %q: want NAME=value", kv))
			continue
		}
		sp.env[k] = v
	}
	if strings.TrimSpace(sp.queue) == "" {
		bad = append(bad, "--queue must not be empty")
	}
	if len(bad) > 0 {
		return nil, fail(exitFailure, "goyarn shell: %s", strings.Join(bad, "; "))
	}
	am, err := findAppmaster(c.String("appmaster-binary"), o)
	if err != nil {
		return nil, fail(exitFailure, "goyarn shell: %v", err)
	}
	sp.appmaster = am
	return sp, nil
}

// findAppmaster returns the binary to stage: the flag's, else appmaster
// next to the running goyarn, else appmaster on PATH.
func findAppmaster(flag string, o *Options) (string, error) {
	isFile := func(p string) bool { fi, err := os.Stat(p); return err == nil && fi.Mode().IsRegular() }
	if flag != "" {
		if !isFile(flag) {
			return "", fmt.Errorf("--appmaster-binary %s is not a file", flag)
		}
		return flag, nil
	}
	if exe, err := o.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(exe), appmasterName); isFile(p) {
			return p, nil
		}
	}
	if p, err := o.LookPath(appmasterName); err == nil {
		return p, nil
	}
	return "", errors.New("cannot find the appmaster binary next to goyarn or on PATH; name it with --appmaster-binary")
}

// amCommand is the AM's command line, every user-given word quoted for /bin/sh.
func (sp *shellSpec) amCommand() string {
	parts := []string{"./" + appmasterName, "shell", "--shell-command", client.ShellQuote(sp.command)}
	if sp.args != "" {
		parts = append(parts, "--shell-args", client.ShellQuote(sp.args))
	}
	parts = append(parts, "--num-containers", strconv.Itoa(sp.containers),
		"--container-memory", strconv.FormatInt(sp.memory, 10), "--container-vcores", strconv.FormatInt(sp.vcores, 10))
	keys := make([]string, 0, len(sp.env))
	for k := range sp.env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, "--shell-env", client.ShellQuote(k+"="+sp.env[k]))
	}
	parts = append(parts, "1>"+api.PlaceholderLogDir+"/AppMaster.stdout", "2>"+api.PlaceholderLogDir+"/AppMaster.stderr")
	return strings.Join(parts, " ")
}

func runShell(c *cli.Context, o *Options) error {
	sp, err := parseShell(c, o)
	if err != nil {
		return err
	}
	s, err := newSession(c, o)
	if err != nil {
		return err
	}
	defer s.close()
	shellFail := func(err error) error { return fail(exitShellError, "goyarn shell: %s", client.Message(err)) }
	stager, err := client.NewLayoutStager(c.String("staging-dir"), os.Getenv)
	if err != nil {
		return shellFail(err)
	}

	na, err := s.client.NewApplication(s.ctx)
	if err != nil {
		return shellFail(err)
	}
	id := na.ApplicationID
	lr, err := stager.Stage(s.ctx, id, appmasterName, sp.appmaster)
	if err != nil {
		return shellFail(err)
	}
	sub := api.SubmissionContext{
		ApplicationID: id, Name: sp.name, Queue: sp.queue, Priority: sp.priority, ApplicationType: shellAppType,
		AMResource: api.Res(sp.amMemory, sp.amVCores),
		AMContainer: api.LaunchContext{
			LocalResources: map[string]api.LocalResource{appmasterName: lr},
			Commands:       []string{sp.amCommand()},
		},
	}
	if err := s.client.SubmitContext(s.ctx, sub); err != nil {
		return shellFail(err)
	}
	fmt.Fprintf(s.out, "Submitted application %s\n", id)
	if c.Bool("no-wait") {
		return nil
	}
	app, err := s.client.WaitApp(s.ctx, id, o.PollInterval, func(a yarn.App) {
		fmt.Fprintf(s.out, "Application report for %s (state: %s)\n", a.ID, a.State)
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fail(exitShellError, "Stopped waiting; application %s keeps running (goyarn application -kill %s stops it)", id, id)
		}
		return shellFail(err)
	}
	if app.State == api.AppFinished && app.FinalStatus == api.FinalSucceeded {
		fmt.Fprintf(s.out, "Application %s finished with final status %s\n", id, app.FinalStatus)
		return nil
	}
	fmt.Fprintf(s.out, "Application %s finished with state %s and final status %s\n", id, app.State, app.FinalStatus)
	if app.Diagnostics != "" {
		fmt.Fprintf(s.out, "Diagnostics: %s\n", app.Diagnostics)
	}
	return &exitError{code: exitShellFailed}
}
