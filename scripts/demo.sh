#!/usr/bin/env bash
# make demo: the one-machine cluster of conf/goyarn.yaml (three ZooKeeper
# servers, ResourceManagers rm1-rm3 on 127.0.0.1:8088/8188/8288 electing an
# active one, the two NodeManagers of conf/workers on 8040/8042 and
# 8050/8052), started by scripts/start-all.sh; then a distributed-shell
# application, SparkPi in both deploy modes, their results and the REST
# view. Every command is shown as a user types it: the clients read
# conf/goyarn.yaml, nothing is exported. The cluster stays up; `make stop`
# stops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
D=$GOYARN_RUN_DIR
RM_WEB=127.0.0.1:8088

"$(dirname "$0")/stop-all.sh" >/dev/null 2>&1 || true
if docker info >/dev/null 2>&1; then
  say "== a Docker Engine answers: building the executor image (FROM scratch, no pull); containers run in Docker"
  "$(dirname "$0")/build-images.sh" | sed 's/^/  /'
else
  say "== no Docker Engine answers: containers run as processes"
fi

say "== starting the one-machine goyarn cluster of conf/goyarn.yaml (run dir $D)"
"$(dirname "$0")/start-all.sh" | sed 's/^/  /'
for i in $(seq 300); do
  running=$(curl -sfL "http://$RM_WEB/ws/v1/cluster/metrics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clusterMetrics"]["activeNodes"])' || echo 0)
  [ "$running" = 2 ] && break
  sleep 0.1
done
[ "$running" = 2 ] || die "NodeManagers did not register (see $D/nm*.log)"
say "\$ goyarn rmadmin -getAllServiceState"
"$GOYARN_BIN/goyarn" rmadmin -getAllServiceState
say "\$ goyarn node -list"
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
curl -sL "http://$RM_WEB/ws/v1/cluster/apps/$app" | python3 -m json.tool | grep -E '"(id|user|name|queue|state|finalStatus|progress|elapsedTime|amContainerLogs)"'
say "\$ curl -s http://$RM_WEB/ws/v1/cluster/nodes"
curl -sL "http://$RM_WEB/ws/v1/cluster/nodes" | python3 -c '
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
  Web UI        http://$RM_WEB/cluster (rm2 :8188, rm3 :8288; a standby redirects)   (NodeManagers: http://127.0.0.1:8042/node  http://127.0.0.1:8052/node)
  Metrics       http://$RM_WEB/metrics   http://127.0.0.1:8042/metrics  http://127.0.0.1:8052/metrics
  REST API      http://$RM_WEB/ws/v1/cluster  (apps, nodes, metrics, scheduler)
  NodeManagers  http://127.0.0.1:8042/ws/v1/node  http://127.0.0.1:8052/ws/v1/node
  CLI           bin/goyarn application -list -appStates ALL   (the clients read conf/goyarn.yaml)
  logs          $D/*.log
Stop it with:   make stop
MSG
