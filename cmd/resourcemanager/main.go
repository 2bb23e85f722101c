// Command resourcemanager runs a goyarn ResourceManager.
package main

import (
	"context"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/cmd/internal/daemon"
	"github.com/goyarn/goyarn/resourcemanager"
)

const envPrefix = "GOYARN_RM"

func main() {
	daemon.Main(daemon.App("resourcemanager", "run a goyarn ResourceManager", resourcemanager.Version,
		resourcemanager.DefaultConfig, envPrefix, layout, run))
}

func run(cfg resourcemanager.Config) error {
	cfg.ClusterSecretFile = daemon.ExpandHome(cfg.ClusterSecretFile)
	cfg.AuthTokenFile = daemon.ExpandHome(cfg.AuthTokenFile)
	cfg.StateDir = daemon.ExpandHome(cfg.StateDir)
	return daemon.Run(cfg.LogLevel, cfg.LogFormat, func(ctx context.Context, log *zap.Logger) error {
		return serve(ctx, cfg, log)
	})
}

// serve runs the daemon until ctx is done, then stops it.
func serve(ctx context.Context, cfg resourcemanager.Config, log *zap.Logger) error {
	srv, err := resourcemanager.Start(cfg, log)
	if err != nil {
		return err
	}
	daemon.Ready(log, cfg.ReadyFile, map[string]any{
		"webAddress": srv.WebAddress(), "rpcAddress": srv.RPCAddress(), "pid": os.Getpid(),
	})
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Stop(sctx)
}
