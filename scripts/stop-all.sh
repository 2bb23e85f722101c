#!/usr/bin/env bash
# Stop the cluster start-all.sh started: NodeManagers first (remote ones
# over ssh, as the workers file lists them), then the ResourceManagers (the
# layout's remote ones over ssh), then the ZooKeeper servers, then anything
# else with a pid file in the run dir.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
confdir=$(layout_get -confDir 2>/dev/null || true)
WORKERS=${GOYARN_WORKERS:-${confdir:-$GOYARN_HOME/conf}/workers}
[ -f "$WORKERS" ] || WORKERS=$GOYARN_HOME/conf/workers
stop_remote() { on_host "$1" "bash -c 'source scripts/lib.sh; stop_daemon $2'" || true; }
if [ -f "$WORKERS" ]; then
  n=0
  while read -r host _; do
    [ -z "$host" ] || [[ $host == \#* ]] && continue
    n=$((n + 1))
    is_local "$host" || stop_remote "$host" "nm$n"
  done <"$WORKERS"
fi
shopt -s nullglob
for f in "$GOYARN_RUN_DIR"/nm*.pid; do stop_daemon "$(basename "$f" .pid)"; done
while read -r id web _; do
  h=$(host_of "$web")
  is_local "$h" || stop_remote "$h" "$id"
done < <(layout_get -resourcemanagers 2>/dev/null || true)
for f in "$GOYARN_RUN_DIR"/rm*.pid; do stop_daemon "$(basename "$f" .pid)"; done
for f in "$GOYARN_RUN_DIR"/*.pid; do stop_daemon "$(basename "$f" .pid)"; done
while read -r zk; do
  h=$(host_of "$zk")
  is_local "$h" || on_host "$h" "scripts/zk-ensemble.sh stop" || true
done < <(layout_get -zookeeper 2>/dev/null || true)
if compgen -G "$GOYARN_RUN_DIR/zk/*.pid" >/dev/null; then
  "$(dirname "$0")/zk-ensemble.sh" stop
fi
say "goyarn stopped"
