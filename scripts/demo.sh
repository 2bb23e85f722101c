#!/usr/bin/env bash
# make demo: a one-machine cluster on the default ports (RM web/REST on
# 127.0.0.1:8088, internal RPC 8030; NodeManagers nm1 on 8040/8042 and nm2
# on 8050/8052), then a distributed-shell application on it, its result and
# the REST view. The cluster stays up; `make stop` stops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
D=$GOYARN_RUN_DIR
RM_WEB=127.0.0.1:8088
export GOYARN_RM_ADDRESSES=$RM_WEB GOYARN_STAGING_DIR=$D/staging

"$(dirname "$0")/stop-all.sh" >/dev/null 2>&1 || true
mkdir -p "$D/staging"
if docker info >/dev/null 2>&1; then
  say "== a Docker Engine answers: building the executor image (FROM scratch, no pull); containers run in Docker"
  "$(dirname "$0")/build-images.sh" | sed 's/^/  /'
else
  say "== no Docker Engine answers: containers run as processes"
fi
common=(--cluster-secret-file "$D/cluster-secret" --staging-dir "$D/staging")

say "== starting a one-machine goyarn cluster in $D"
start_daemon rm resourcemanager --web-address $RM_WEB --rpc-address 127.0.0.1:8030 "${common[@]}"
for i in 1 2; do
  port=$((8030 + 10 * i)) # nm1: RPC 8040, web 8042; nm2: RPC 8050, web 8052
  start_daemon nm$i nodemanager --rm-addresses 127.0.0.1:8030 \
    --rpc-address 127.0.0.1:$port --web-address 127.0.0.1:$((port + 2)) --memory-mb 4096 --vcores 4 \
    --local-dirs "$D/nm$i/local" --log-dirs "$D/nm$i/logs" --state-dir "$D/nm$i/state" "${common[@]}"
done
for i in $(seq 100); do
  running=$(curl -sf "http://$RM_WEB/ws/v1/cluster/metrics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clusterMetrics"]["activeNodes"])' || echo 0)
  [ "$running" = 2 ] && break
  sleep 0.1
done
[ "$running" = 2 ] || die "NodeManagers did not register (see $D/nm*.log)"
"$GOYARN_BIN/goyarn" node -list

say ""
say "== running a distributed-shell application: 4 containers"
say "\$ goyarn shell --shell-command 'echo \"hello from \$CONTAINER_ID on \$NM_HOST:\$NM_PORT\"' --num-containers 4"
out=$("$GOYARN_BIN/goyarn" shell --shell-command 'echo "hello from $CONTAINER_ID on $NM_HOST:$NM_PORT"' --num-containers 4 2>&1) || { echo "$out"; die "the application failed"; }
echo "$out"
app=$(grep -o 'application_[0-9]*_[0-9]*' <<<"$out" | head -1)

say ""
say "== the result"
say "\$ goyarn application -status $app"
"$GOYARN_BIN/goyarn" application -status "$app"
say ""
say "\$ goyarn logs -applicationId $app -log_files stdout"
"$GOYARN_BIN/goyarn" logs -applicationId "$app" -log_files stdout | grep -E '^(Container:|hello from)' || true

say ""
say "== the REST view (Hadoop YARN's API)"
say "\$ curl -s http://$RM_WEB/ws/v1/cluster/apps/$app"
curl -s "http://$RM_WEB/ws/v1/cluster/apps/$app" | python3 -m json.tool | grep -E '"(id|user|name|queue|state|finalStatus|progress|elapsedTime|amContainerLogs)"'
say "\$ curl -s http://$RM_WEB/ws/v1/cluster/nodes"
curl -s "http://$RM_WEB/ws/v1/cluster/nodes" | python3 -c '
import json, sys
for n in json.load(sys.stdin)["nodes"]["node"]:
    print("  %-16s %-8s used %5d MB / avail %5d MB, %d containers" % (n["id"], n["state"], n["usedMemoryMB"], n["availMemoryMB"], n["numContainers"]))'

say ""
say "== SparkPi in cluster mode: the driver runs in the ApplicationMaster's container"
say "\$ gosubmit --master yarn --deploy-mode cluster --num-executors 2 bin/pi 10"
out=$("$GOYARN_BIN/gosubmit" --master yarn --deploy-mode cluster --num-executors 2 "$GOYARN_BIN/pi" 10 2>&1) || { echo "$out"; die "pi failed in cluster mode"; }
grep -E "Submitted application|state: |final status" <<<"$out" | sed 's/^/  /'
pi_app=$(grep -o 'application_[0-9]*_[0-9]*' <<<"$out" | head -1)
say "\$ goyarn logs -applicationId $pi_app -am 1 -log_files stdout"
"$GOYARN_BIN/goyarn" logs -applicationId "$pi_app" -am 1 -log_files stdout | grep -E '^(Container:|Pi is roughly)'

say ""
say "== SparkPi in client mode: the driver runs here, its output on this console"
say "\$ gosubmit --master yarn --deploy-mode client --num-executors 2 bin/pi 10   (engine INFO logs hidden)"
"$GOYARN_BIN/gosubmit" --master yarn --deploy-mode client --num-executors 2 "$GOYARN_BIN/pi" 10 2>&1 \
  | grep -E "Pi is roughly|Submitted application|registered executor|has started running|state: FINISHED" | sed -E 's/\t/ /g; s/^/  /' \
  || die "pi failed in client mode"

cat <<MSG

The cluster keeps running:
  Web UI        http://$RM_WEB/cluster   (NodeManagers: http://127.0.0.1:8042/node  http://127.0.0.1:8052/node)
  Metrics       http://$RM_WEB/metrics   http://127.0.0.1:8042/metrics  http://127.0.0.1:8052/metrics
  REST API      http://$RM_WEB/ws/v1/cluster  (apps, nodes, metrics, scheduler)
  NodeManagers  http://127.0.0.1:8042/ws/v1/node  http://127.0.0.1:8052/ws/v1/node
  CLI           export GOYARN_RM_ADDRESSES=$RM_WEB GOYARN_STAGING_DIR=$D/staging; bin/goyarn application -list -appStates ALL
  logs          $D/*.log
Stop it with:   make stop
MSG
