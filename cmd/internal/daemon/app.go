package daemon

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/clusterconf"
	"github.com/goyarn/goyarn/cmd/internal/cliconf"
)

// ConfDirFlag names the cluster configuration directory (see clusterconf).
const ConfDirFlag = "conf-dir"

// Layout applies the cluster's layout file to a daemon's config before its
// own config file, environment and flags (which override it). peek returns
// a flag's value as given on the command line or in its environment
// variable ("" when neither), for the keys the layout depends on (ha-id).
type Layout[C any] func(cfg *C, cl clusterconf.Cluster, peek func(key string) string) error

// App is a daemon's command line. Every field of the config that defaults
// returns is a flag, an environment variable <envPrefix>_<FLAG> and a key
// of the YAML file named by --config (see cliconf); the action loads the
// config (defaults < file < environment < flags) and calls run with it.
// The config-reference subcommand prints them all as a Markdown table.
//
// With a layout, --conf-dir ($GOYARN_CONF_DIR) names the cluster's
// configuration directory (default: see clusterconf.Find) and the order is
// defaults < goyarn.yaml < file < environment < flags.
func App[C any](name, usage, version string, defaults func() C, envPrefix string, layout Layout[C], run func(cfg C) error) *cli.App {
	flags := cliconf.Flags(defaults(), envPrefix)
	if layout != nil {
		// No EnvVars: $GOYARN_CONF_DIR is clusterconf.Find's (an existing
		// directory without the file means no layout; a flag must hold it).
		flags = append(flags, &cli.StringFlag{Name: ConfDirFlag,
			Usage: "the cluster's configuration directory, holding " + clusterconf.FileName + " (default: $" + clusterconf.EnvConfDir +
				", else bin/../conf, else " + clusterconf.SystemDir + ")"})
	}
	return &cli.App{
		Name:    name,
		Usage:   usage,
		Version: version,
		Flags:   flags,
		Action: func(c *cli.Context) error {
			cfg := defaults()
			if layout != nil {
				cl, err := clusterconf.Discover(c.String(ConfDirFlag))
				if err != nil {
					return err
				}
				if cl.Path != "" {
					peek := func(key string) string {
						if c.IsSet(key) {
							return c.String(key)
						}
						return ""
					}
					if err := layout(&cfg, cl, peek); err != nil {
						return fmt.Errorf("%s: %w", cl.Path, err)
					}
				}
			}
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

// SetIf sets *dst to v unless v is empty: a layout value fills a setting
// only where the layout has one.
func SetIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}
