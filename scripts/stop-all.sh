#!/usr/bin/env bash
# Stop every daemon the scripts started (NodeManagers first, then the RMs).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
for f in "$GOYARN_RUN_DIR"/nm*.pid; do stop_daemon "$(basename "$f" .pid)"; done
for f in "$GOYARN_RUN_DIR"/*.pid; do stop_daemon "$(basename "$f" .pid)"; done
say "goyarn stopped"
