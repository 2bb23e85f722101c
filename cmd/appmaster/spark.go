package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/appmaster/spark"
)

// sparkCommand is `appmaster spark`: the Spark-style AM (cluster mode:
// Spark's ApplicationMaster; client mode: its ExecutorLauncher). gosubmit
// builds its command line; the flag names are part of that contract.
func sparkCommand(e env) *cli.Command {
	def := spark.DefaultOptions()
	return &cli.Command{
		Name:  "spark",
		Usage: "run a Spark-style application: the driver (cluster mode) and its executors",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "deploy-mode", Usage: "cluster (the AM runs the driver) or client (the driver runs at --driver-url)", Required: true},
			&cli.StringFlag{Name: "binary", Usage: "localized name of the user binary (driver and executors)", Required: true},
			&cli.StringSliceFlag{Name: "arg", Usage: "an argument of the application (cluster mode; repeatable, in order)"},
			&cli.StringFlag{Name: "driver-url", Usage: "host:port of the client-mode driver"},
			&cli.IntFlag{Name: "num-executors", Value: def.NumExecutors, Usage: "number of executors"},
			&cli.Int64Flag{Name: "executor-memory", Value: def.ExecutorMemoryMB, Usage: "memory per executor container (MB)"},
			&cli.Int64Flag{Name: "executor-cores", Value: def.ExecutorCores, Usage: "vcores per executor container"},
			&cli.StringSliceFlag{Name: "executor-resource", Usage: "a file every executor localizes, name=URL (file://, s3://, http(s)://; repeatable)"},
			&cli.StringSliceFlag{Name: "executor-resource-stat", Usage: "its size and modification time as staged, name=size:timestamp-ms (repeatable); checked at localization"},
			&cli.StringSliceFlag{Name: "executor-env", Usage: "executor environment, K=V (repeatable)"},
			&cli.StringSliceFlag{Name: "driver-env", Usage: "cluster-mode driver environment, K=V (repeatable)"},
			&cli.StringSliceFlag{Name: "conf", Usage: "configuration for the driver and executors, key=value (repeatable)"},
			&cli.IntFlag{Name: "max-executor-failures", Usage: "executor failures that fail the application (default: spark.yarn.max.executor.failures, else max(2×N, 3))"},
			&cli.StringFlag{Name: "executor-image", Usage: "run executors in this Docker image"},
			&cli.DurationFlag{Name: "driver-timeout", Value: def.DriverTimeout, Usage: "client mode: fail when the driver does not answer this long"},
		},
		Action: func(c *cli.Context) error { return runSpark(c, e) },
	}
}

func sparkOptions(c *cli.Context) (spark.Options, error) {
	o := spark.DefaultOptions()
	var errs []error
	if c.NArg() > 0 {
		errs = append(errs, fmt.Errorf("%w: unexpected argument %q (application arguments go in --arg)", spark.ErrInvalidOptions, c.Args().First()))
	}
	o.DeployMode = spark.DeployMode(c.String("deploy-mode"))
	o.Binary = c.String("binary")
	o.Args = c.StringSlice("arg")
	o.DriverURL = c.String("driver-url")
	o.NumExecutors = c.Int("num-executors")
	o.ExecutorMemoryMB = c.Int64("executor-memory")
	o.ExecutorCores = c.Int64("executor-cores")
	o.MaxExecutorFailures = c.Int("max-executor-failures")
	o.ExecutorImage = c.String("executor-image")
	o.DriverTimeout = c.Duration("driver-timeout")
	for _, p := range []struct {
		flag string
		dst  *map[string]string
	}{
		{"executor-resource", &o.ExecutorResources}, {"executor-resource-stat", &o.ExecutorResourceStats},
		{"executor-env", &o.ExecutorEnv},
		{"driver-env", &o.DriverEnv}, {"conf", &o.Conf},
	} {
		m, err := spark.ParsePairs("--"+p.flag, c.StringSlice(p.flag))
		*p.dst = m
		errs = append(errs, err)
	}
	errs = append(errs, o.Validate())
	return o, errors.Join(errs...)
}

func runSpark(c *cli.Context, e env) error {
	opts, err := sparkOptions(c)
	if err != nil {
		return cli.Exit(oneLine(err), exitUsage)
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
	res, err := spark.Run(c.Context, opts, spark.Deps{
		RM: cl.rm, NM: cl.nm, Log: log, Host: cl.host,
		Environ: e.environ(), Stdout: e.stdout, Stderr: e.stderr, Heartbeat: cl.hb,
	})
	if errors.Is(err, spark.ErrInvalidOptions) {
		return cli.Exit(oneLine(err), exitUsage)
	}
	if err != nil {
		log.Error("spark application master ended with an error", zap.Error(err))
	}
	if !res.Succeeded() {
		return cli.Exit("", exitFailed)
	}
	return nil
}

// oneLine joins every problem into one line, the shared prefix said once.
func oneLine(err error) string {
	prefix := spark.ErrInvalidOptions.Error() + ": "
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimPrefix(lines[i], prefix)
	}
	return strings.Join(lines, "; ")
}
