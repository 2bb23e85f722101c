// Package image builds goyarn/executor, the image goyarn's Docker containers
// run in by default, from the project's own static binaries: no registry is
// reachable and none is needed.
//
// The image is FROM scratch with /bin/sh = goyarn-sh (cmd/goyarn-sh, a POSIX
// shell with the few coreutils containers need built in), /etc/passwd and
// /etc/group knowing root and nobody, and a world-writable /tmp; nothing else.
// The application binary is not in the image: the NodeManager localizes it
// into the container's work dir, which the docker runtime bind-mounts (the
// binary read-only). So the binary must be static: build it with
// CGO_ENABLED=0.
//
// # Building it
//
//	make images              # = make build, then scripts/build-images.sh
//
// scripts/build-images.sh builds goyarn/executor:latest and
// goyarn/executor:<version> from bin/goyarn-sh with `docker build` and no
// network, and does nothing when the image is up to date (same content hash,
// label goyarn.content-hash). Ensure does the same through the Engine API;
// the tests use it with a tag of their own.
//
// # Your own image for gosubmit --image
//
// Any image with a /bin/sh works, provided its name is under one of the
// NodeManager's --docker-allowed-images prefixes (default goyarn/) and it is
// built on every node (nothing is pulled):
//
//	# Dockerfile
//	FROM goyarn/executor:latest
//	COPY --chown=65534:65534 models/ /opt/models/
//
//	docker build -t goyarn/my-executor:1 .
//	gosubmit --image goyarn/my-executor:1 ...
//
// FROM a distribution image (debian, alpine) works too when it is already on
// the node; its /bin/sh then runs the launch command, and dynamically linked
// programs find their libc. The container runs as the NodeManager's uid:gid
// with every capability dropped, whatever USER the image names, so files the
// image adds must be readable by that user. The image's ENTRYPOINT and CMD
// are not run: the container runs its YARN launch command.
//
// This package touches only the daemon's images it is asked to build.
package image
