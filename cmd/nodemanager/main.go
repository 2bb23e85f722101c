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
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/cmd/internal/daemon"
	"github.com/goyarn/goyarn/nodemanager"
)

const envPrefix = "GOYARN_NM"

func main() {
	daemon.Main(daemon.App("nodemanager", "run a goyarn NodeManager", nodemanager.Version,
		nodemanager.DefaultConfig, envPrefix, layout, run))
}

func run(cfg nodemanager.Config) error {
	cfg = cfg.Resolved()
	if err := cfg.Validate(); err != nil {
		return err
	}
	return daemon.Run(cfg.LogLevel, cfg.LogFormat, func(ctx context.Context, log *zap.Logger) error {
		return serve(ctx, cfg, log)
	})
}

// serve runs the daemon until ctx is done or the node stops, then stops it.
func serve(ctx context.Context, cfg nodemanager.Config, log *zap.Logger) error {
	secret, err := security.LoadOrCreateSecret(cfg.ClusterSecretFile)
	if err != nil {
		return err
	}
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
		daemon.Ready(log, cfg.ReadyFile, nm.Ready(os.Getpid()))
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
