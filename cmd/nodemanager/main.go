// Command nodemanager runs a goyarn NodeManager: it registers with the
// ResourceManagers named by --rm-addresses, heartbeats, starts the
// containers the RM grants, and serves the NM REST API and container logs.
//
// Every flag also comes from GOYARN_NM_<FLAG> or a YAML file (--config);
// `nodemanager config-reference` prints them all. SIGINT or SIGTERM stops
// the node gracefully (see --supervised).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/cmd/internal/cliconf"
	"github.com/goyarn/goyarn/cmd/internal/daemon"
	"github.com/goyarn/goyarn/nodemanager"
)

const envPrefix = "GOYARN_NM"

func main() {
	app := &cli.App{
		Name:    "nodemanager",
		Usage:   "run a goyarn NodeManager",
		Version: nodemanager.Version,
		Flags:   cliconf.Flags(nodemanager.DefaultConfig(), envPrefix),
		Action:  run,
		Commands: []*cli.Command{{
			Name:  "config-reference",
			Usage: "print every flag, environment variable and default as a Markdown table",
			Action: func(*cli.Context) error {
				fmt.Print(cliconf.Reference(nodemanager.DefaultConfig(), envPrefix))
				return nil
			},
		}},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "nodemanager:", err)
		os.Exit(1)
	}
}

func run(c *cli.Context) error {
	cfg := nodemanager.DefaultConfig()
	if err := cliconf.Load(c, &cfg); err != nil {
		return err
	}
	cfg = cfg.Resolved()
	if err := cfg.Validate(); err != nil {
		return err
	}
	log, err := daemon.NewLogger(cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	defer log.Sync()

	secret, err := security.LoadOrCreateSecret(cfg.ClusterSecretFile)
	if err != nil {
		return err
	}
	ctx, stop := daemon.SignalContext()
	defer stop()
	rt, closeRuntime, err := newRuntime(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeRuntime()

	nm, err := nodemanager.New(cfg, nodemanager.Deps{Runtime: rt, Secret: secret, Logger: log, PathEnv: os.Getenv("PATH")})
	if err != nil {
		return err
	}
	if err := nm.Start(ctx); err != nil {
		return err
	}
	select {
	case <-nm.Registered():
		if err := daemon.WriteReadyFile(cfg.ReadyFile, nm.Ready(os.Getpid())); err != nil {
			log.Error("writing the ready file failed", zap.Error(err))
		}
		select {
		case <-ctx.Done():
		case <-nm.Done():
		}
	case <-ctx.Done():
	case <-nm.Done():
	}
	log.Info("NodeManager stopping")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.StopGrace+15*time.Second)
	defer cancel()
	return nm.Stop(sctx)
}
