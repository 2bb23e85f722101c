#!/usr/bin/env bash
# Stop every daemon the scripts started: NodeManagers first (remote ones
# over ssh, as conf/workers lists them), then the ResourceManagers, then the
# ZooKeeper ensemble if one runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
WORKERS=${GOYARN_WORKERS:-$GOYARN_HOME/conf/workers}
is_local() { case "$1" in localhost | 127.0.0.1 | "$(hostname)" | "$(hostname -f 2>/dev/null)") return 0 ;; esac; return 1; }
if [ -f "$WORKERS" ]; then
  n=0
  while read -r host _; do
    [ -z "$host" ] || [[ $host == \#* ]] && continue
    n=$((n + 1))
    is_local "$host" || ssh "$host" "cd '$GOYARN_HOME' && GOYARN_RUN_DIR='$GOYARN_RUN_DIR' bash -c 'source scripts/lib.sh; stop_daemon nm$n'" || true
  done <"$WORKERS"
fi
shopt -s nullglob
for f in "$GOYARN_RUN_DIR"/nm*.pid; do stop_daemon "$(basename "$f" .pid)"; done
for f in "$GOYARN_RUN_DIR"/rm*.pid; do stop_daemon "$(basename "$f" .pid)"; done
for f in "$GOYARN_RUN_DIR"/*.pid; do stop_daemon "$(basename "$f" .pid)"; done
if compgen -G "$GOYARN_RUN_DIR/zk/*.pid" >/dev/null || compgen -G "$GOYARN_RUN_DIR/zk/*/*.pid" >/dev/null; then
  "$(dirname "$0")/zk-ensemble.sh" stop
fi
say "goyarn stopped"
