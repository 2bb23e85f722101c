package daemon

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/cmd/internal/cliconf"
)

// App is a daemon's command line. Every field of the config that defaults
// returns is a flag, an environment variable <envPrefix>_<FLAG> and a key
// of the YAML file named by --config (see cliconf); the action loads the
// config (defaults < file < environment < flags) and calls run with it.
// The config-reference subcommand prints them all as a Markdown table.
func App[C any](name, usage, version string, defaults func() C, envPrefix string, run func(cfg C) error) *cli.App {
	return &cli.App{
		Name:    name,
		Usage:   usage,
		Version: version,
		Flags:   cliconf.Flags(defaults(), envPrefix),
		Action: func(c *cli.Context) error {
			cfg := defaults()
			if err := cliconf.Load(c, &cfg); err != nil {
				return err
			}
			return run(cfg)
		},
		Commands: []*cli.Command{{
			Name:  "config-reference",
			Usage: "print every flag, environment variable and default as a Markdown table",
			Action: func(c *cli.Context) error {
				fmt.Fprint(c.App.Writer, cliconf.Reference(defaults(), envPrefix))
				return nil
			},
		}},
	}
}

// Main runs app on the process's arguments; if it fails, Main says why on
// stderr after the app's name and exits 1.
func Main(app *cli.App) {
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, app.Name+":", err)
		os.Exit(1)
	}
}

// Run builds the logger from level and format (see NewLogger) and calls
// run with it and a context cancelled on SIGINT or SIGTERM; it syncs the
// logger when run returns.
func Run(level, format string, run func(ctx context.Context, log *zap.Logger) error) error {
	log, err := NewLogger(level, format)
	if err != nil {
		return err
	}
	defer log.Sync()
	ctx, stop := SignalContext()
	defer stop()
	return run(ctx, log)
}

// Ready writes v to the ready file at path (see WriteReadyFile; an empty
// path writes nothing). A failure is logged, not returned: the daemon
// serves on without it.
func Ready(log *zap.Logger, path string, v any) {
	if err := WriteReadyFile(path, v); err != nil {
		log.Error("writing the ready file failed", zap.Error(err))
	}
}
