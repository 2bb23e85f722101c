#!/usr/bin/env bash
# Build goyarn/executor, the image goyarn's Docker containers run in by
# default: FROM scratch, /bin/sh = bin/goyarn-sh, /etc/passwd and /etc/group
# (root, nobody), a /tmp — see containers/docker/image. `docker build` runs
# with no network: nothing is pulled.
#
# Idempotent: when goyarn/executor:latest already holds this content (label
# goyarn.content-hash) nothing is built. Tags: latest and $VERSION (default:
# git describe). Needs bin/goyarn-sh (make build: static, CGO_ENABLED=0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

repo=goyarn/executor
img_dir=$GOYARN_HOME/containers/docker/image
sh_bin=$GOYARN_BIN/goyarn-sh

command -v docker >/dev/null || die "the docker command is not installed"
docker info >/dev/null 2>&1 || die "the Docker daemon does not answer (docker info failed)"
[ -x "$sh_bin" ] || die "$sh_bin not found: run make build"
version=${VERSION:-$(git -C "$GOYARN_HOME" describe --tags --always --dirty 2>/dev/null || echo dev)}
version=$(printf '%s' "$version" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-120)

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/etc" "$ctx/rootfs/tmp"
install -m 0644 "$img_dir/Dockerfile" "$ctx/Dockerfile"
install -m 0755 "$sh_bin" "$ctx/rootfs/bin/sh"
install -m 0644 "$img_dir/passwd" "$ctx/rootfs/etc/passwd"
install -m 0644 "$img_dir/group" "$ctx/rootfs/etc/group"
chmod 0755 "$ctx/rootfs" "$ctx/rootfs/bin" "$ctx/rootfs/etc"
chmod 1777 "$ctx/rootfs/tmp"

# The content hash: every path with its mode, and every file's bytes.
hash=$(cd "$ctx" && find . | LC_ALL=C sort | while read -r f; do
  stat -c '%n %a' "$f"
  if [ -f "$f" ]; then sha256sum <"$f"; fi
done | sha256sum | cut -d' ' -f1)

current=$(docker image inspect --format '{{ index .Config.Labels "goyarn.content-hash" }}' "$repo:latest" 2>/dev/null || true)
if [ "$current" = "$hash" ]; then
  docker tag "$repo:latest" "$repo:$version"
  say "$repo:latest is up to date ($(docker image inspect --format '{{.Id}}' "$repo:latest" | cut -c8-19)); tagged $repo:$version"
  exit 0
fi

log=$ctx/build.log
if ! DOCKER_BUILDKIT=0 docker build --network none --label "goyarn.content-hash=$hash" \
    --label "org.opencontainers.image.version=$version" -t "$repo:latest" -t "$repo:$version" "$ctx/" >"$log" 2>&1; then
  cat "$log" >&2
  die "docker build of $repo failed"
fi
id=$(docker image inspect --format '{{.Id}}' "$repo:latest" | cut -c8-19)
size=$(docker image inspect --format '{{.Size}}' "$repo:latest")
say "built $repo:latest and $repo:$version (image $id, $((size / 1024)) KiB) from $sh_bin"
