// Command gosubmit runs a program on a goyarn cluster, as spark-submit runs
// one on YARN. The command itself lives in client/gosubmit.
package main

import (
	"os"

	"github.com/goyarn/goyarn/client/gosubmit"
	"github.com/goyarn/goyarn/cmd/internal/daemon"
)

func main() {
	ctx, stop := daemon.SignalContext()
	code := gosubmit.ExitCode(gosubmit.NewApp().RunContext(ctx, os.Args))
	stop()
	os.Exit(code)
}
