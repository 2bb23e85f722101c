#!/usr/bin/env bash
# Build SeaweedFS (`weed`), the S3-compatible object store of the
# multi-host suite, from its Go module, once: the binary is cached as
# ${XDG_CACHE_HOME:-$HOME/.cache}/goyarn/weed-<version> and found there by
# test/seaweed. `go install` refuses the module (it has replace
# directives), so it is downloaded with `go mod download` and built inside
# its module directory. The build takes about 10 minutes of CPU (15-20 on a
# busy 2-core machine); later runs return at once. Prints the binary's path.
set -euo pipefail
WEED_MODULE=github.com/seaweedfs/seaweedfs
WEED_VERSION=${WEED_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/goyarn
bin=$cache/weed-$WEED_VERSION
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "error: Go is required to build SeaweedFS" >&2; exit 1; }
mkdir -p "$cache"
echo "building SeaweedFS $WEED_VERSION once into $cache (about 10 minutes of CPU)…" >&2
dir=$(cd "$cache" && GOFLAGS=-mod=mod go mod download -json "$WEED_MODULE@$WEED_VERSION" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error","no Dir")))')
tmp=$(mktemp "$cache/.weed-build-XXXXXX")
trap 'rm -f "$tmp"' EXIT
(cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags '-s -w' -o "$tmp" ./weed) >&2
chmod 0755 "$tmp"
mv "$tmp" "$bin"
trap - EXIT
"$bin" version >&2
echo "$bin"
