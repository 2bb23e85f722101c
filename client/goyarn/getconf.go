package goyarn

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api/clusterconf"
	"github.com/goyarn/goyarn/client"
)

// getconfCommand prints the cluster layout the clients and daemons read,
// as `hdfs getconf` prints HDFS's: the start scripts use it, so no shell
// parses YAML.
func getconfCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:  "getconf",
		Usage: "print the cluster layout (goyarn.yaml) as the clients and daemons read it",
		UsageText: "goyarn getconf -confDir | -resourcemanagers | -zookeeper | -key <key>\n\n" +
			"-resourcemanagers prints '<id> <web host:port> <rpc host:port>' per line; -zookeeper one host:port per line;\n" +
			"-key prints one value (cluster-id, staging, remote-app-log-dir, cluster-secret-file, auth-token-file, run-dir, zk-session-timeout).",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "confDir", Usage: "the configuration directory read (empty: none, defaults apply)"},
			&cli.BoolFlag{Name: "resourcemanagers", Usage: "every ResourceManager"},
			&cli.BoolFlag{Name: "zookeeper", Usage: "every ZooKeeper server"},
			&cli.StringFlag{Name: "key", Usage: "one setting"},
		},
		Action: func(c *cli.Context) error {
			cl, err := client.LoadLayout(os.Getenv)
			if err != nil {
				return fail(exitFailure, "%v", err)
			}
			w := c.App.Writer
			switch {
			case c.Bool("confDir"):
				fmt.Fprintln(w, cl.Dir)
			case c.Bool("resourcemanagers"):
				for _, rm := range cl.ResourceManagers {
					fmt.Fprintln(w, rm.ID, rm.Web, rm.RPC)
				}
			case c.Bool("zookeeper"):
				for _, z := range cl.ZooKeeper {
					fmt.Fprintln(w, z)
				}
			case c.IsSet("key"):
				v, ok := layoutKey(cl, c.String("key"))
				if !ok {
					return fail(exitFailure, "getconf: unknown key %q", c.String("key"))
				}
				fmt.Fprintln(w, v)
			default:
				return fail(exitFailure, "Invalid Command Usage: give -confDir, -resourcemanagers, -zookeeper or -key <key>")
			}
			return nil
		},
	}
}

func layoutKey(cl clusterconf.Cluster, key string) (string, bool) {
	v, ok := map[string]string{
		"cluster-id": cl.ClusterID, "staging": cl.Staging, "remote-app-log-dir": cl.RemoteAppLogDir,
		"cluster-secret-file": cl.ClusterSecretFile, "auth-token-file": cl.AuthTokenFile, "run-dir": cl.RunDir,
		"zk-session-timeout": cl.ZKSessionTimeout, "zookeeper": strings.Join(cl.ZooKeeper, ","),
	}[key]
	return v, ok
}
