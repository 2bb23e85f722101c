// Command goyarn is the goyarn cluster's command-line client: yarn's
// application, node, logs and rmadmin commands, and `goyarn shell`.
package main

import (
	"os"

	"github.com/goyarn/goyarn/client/goyarn"
	"github.com/goyarn/goyarn/cmd/internal/daemon"
)

func main() {
	ctx, stop := daemon.SignalContext()
	code := goyarn.ExitCode(goyarn.NewApp().RunContext(ctx, os.Args))
	stop()
	os.Exit(code)
}
