// Command resourcemanager runs a goyarn ResourceManager.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/cmd/internal/cliconf"
	"github.com/goyarn/goyarn/cmd/internal/daemon"
	"github.com/goyarn/goyarn/resourcemanager"
)

const envPrefix = "GOYARN_RM"

func main() {
	app := &cli.App{
		Name:    "resourcemanager",
		Usage:   "run a goyarn ResourceManager",
		Version: resourcemanager.Version,
		Flags:   cliconf.Flags(resourcemanager.DefaultConfig(), envPrefix),
		Action:  run,
		Commands: []*cli.Command{{
			Name:  "config-reference",
			Usage: "print every flag, environment variable and default as a Markdown table",
			Action: func(*cli.Context) error {
				fmt.Print(cliconf.Reference(resourcemanager.DefaultConfig(), envPrefix))
				return nil
			},
		}},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "resourcemanager:", err)
		os.Exit(1)
	}
}

func run(c *cli.Context) error {
	cfg := resourcemanager.DefaultConfig()
	if err := cliconf.Load(c, &cfg); err != nil {
		return err
	}
	cfg.ClusterSecretFile = daemon.ExpandHome(cfg.ClusterSecretFile)
	cfg.AuthTokenFile = daemon.ExpandHome(cfg.AuthTokenFile)
	cfg.StateDir = daemon.ExpandHome(cfg.StateDir)
	log, err := daemon.NewLogger(cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	defer log.Sync()

	ctx, stop := daemon.SignalContext()
	defer stop()
	srv, err := resourcemanager.Start(cfg, log)
	if err != nil {
		return err
	}
	err = daemon.WriteReadyFile(cfg.ReadyFile, map[string]any{
		"webAddress": srv.WebAddress(), "rpcAddress": srv.RPCAddress(), "pid": os.Getpid(),
	})
	if err != nil {
		log.Error("writing ready file", zap.Error(err))
	}
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Stop(sctx)
}
