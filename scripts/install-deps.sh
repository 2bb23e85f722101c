#!/usr/bin/env bash
# Install what building, testing and the demo need, from Debian's packages:
# curl and python3 (scripts), ZooKeeper (the HA suites run a real ensemble)
# and Chromium (the UI is tested in a real browser). Go itself comes from
# the machine (README: Go 1.26); modules come from the Go module proxy. A
# Docker Engine cannot be installed here: where one answers, the Docker
# suites run; where none does, they say so in one line and skip.
set -euo pipefail

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_file() { [ -e "$1" ] || missing+=("$2"); }
need_cmd curl curl
need_cmd python3 python3
need_cmd nc netcat-openbsd
need_file /usr/share/java/zookeeper.jar zookeeper
need_cmd chromium chromium
command -v go >/dev/null 2>&1 || { echo "error: Go 1.26 is required (https://go.dev/dl/)" >&2; exit 1; }

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian's packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
