#!/usr/bin/env bash
# Install what building, testing and the demo need, from Debian's packages.
# Go itself comes from the machine (README: Go 1.26); modules come from the
# Go module proxy when the build first needs them.
set -euo pipefail

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need curl curl
need python3 python3
command -v go >/dev/null 2>&1 || { echo "error: Go 1.26 is required (https://go.dev/dl/)" >&2; exit 1; }

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
