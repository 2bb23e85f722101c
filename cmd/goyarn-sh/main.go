// Command goyarn-sh is a small static POSIX shell with the coreutils a
// container needs built in: the /bin/sh of goyarn's FROM-scratch executor
// image. See containers/docker/shell for what it supports.
//
//	goyarn-sh -c 'command' [name [arg ...]]
//	goyarn-sh script [arg ...]
package main

import (
	"os"

	"github.com/goyarn/goyarn/containers/docker/shell"
)

func main() {
	os.Exit(shell.Main(os.Args[1:], shell.Config{Handle: true}))
}
