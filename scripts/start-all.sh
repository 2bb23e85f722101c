#!/usr/bin/env bash
# Start a highly available goyarn cluster, as the seed does by hand: a
# 3-server ZooKeeper ensemble (scripts/zk-ensemble.sh), three RMs rm1-rm3
# electing an active one, and the NodeManagers listed in conf/workers; then
# print which RM is active.
#
#   RM   web (REST)        internal RPC
#   rm1  127.0.0.1:8088    127.0.0.1:8030
#   rm2  127.0.0.1:8188    127.0.0.1:8130
#   rm3  127.0.0.1:8288    127.0.0.1:8230
#   NMs  RPC 8040, 8050, … and web 8042, 8052, … (one pair per workers line)
#
# Environment: GOYARN_RUN_DIR (pids, logs, data; default /tmp/goyarn/run),
# GOYARN_WORKERS (default conf/workers), ZK_SESSION_TIMEOUT (default 10s).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
D=$GOYARN_RUN_DIR
WORKERS=${GOYARN_WORKERS:-$GOYARN_HOME/conf/workers}
SESSION=${ZK_SESSION_TIMEOUT:-10s}
mkdir -p "$D/staging"

"$(dirname "$0")/zk-ensemble.sh" start
ZK=127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183
webs=(127.0.0.1:8088 127.0.0.1:8188 127.0.0.1:8288)
rpcs=(127.0.0.1:8030 127.0.0.1:8130 127.0.0.1:8230)
all_rpc=$(IFS=,; echo "${rpcs[*]}")
all_web=$(IFS=,; echo "${webs[*]}")
common=(--cluster-secret-file "$D/cluster-secret" --staging-dir "$D/staging")

for i in 0 1 2; do
  start_daemon "rm$((i + 1))" resourcemanager --ha-id "rm$((i + 1))" --recovery zookeeper --zk-address "$ZK" \
    --zk-session-timeout "$SESSION" --web-address "${webs[$i]}" --rpc-address "${rpcs[$i]}" \
    --rm-rpc-addresses "$all_rpc" --rm-web-addresses "$all_web" "${common[@]}"
done

is_local() { case "$1" in localhost | 127.0.0.1 | "$(hostname)" | "$(hostname -f 2>/dev/null)") return 0 ;; esac; return 1; }
n=0
while read -r host _; do
  [ -z "$host" ] || [[ $host == \#* ]] && continue
  n=$((n + 1))
  port=$((8030 + 10 * n))
  args=(--rm-addresses "$all_rpc" --memory-mb 4096 --vcores 4 --local-dirs "$D/nm$n/local" --log-dirs "$D/nm$n/logs"
    --state-dir "$D/nm$n/state")
  if is_local "$host"; then
    start_daemon "nm$n" nodemanager "${args[@]}" --rpc-address "127.0.0.1:$port" --web-address "127.0.0.1:$((port + 2))" "${common[@]}"
  else
    # A remote NodeManager binds its host's address; the cluster secret must
    # already be on that host at the same path.
    ssh "$host" "cd '$GOYARN_HOME' && GOYARN_RUN_DIR='$D' scripts/start-nodemanager.sh nm$n ${args[*]} --hostname $host \
      --rpc-address 0.0.0.0:$port --web-address 0.0.0.0:$((port + 2)) --cluster-secret-file '$D/cluster-secret' --staging-dir '$D/staging'"
  fi
done <"$WORKERS"

for i in $(seq 100); do
  for w in "${webs[@]}"; do
    state=$(curl -sf "http://$w/ws/v1/cluster/info" | python3 -c 'import json,sys; i=json.load(sys.stdin)["clusterInfo"]; print(i["haId"], i["haState"])' 2>/dev/null || true)
    if [[ $state == *ACTIVE ]]; then
      say ""
      say "active ResourceManager: ${state% ACTIVE} (http://$w/cluster)"
      say "clients: export GOYARN_RM_ADDRESSES=rm1=${webs[0]},rm2=${webs[1]},rm3=${webs[2]} GOYARN_STAGING_DIR=$D/staging"
      say "see it:  bin/goyarn rmadmin -getAllServiceState;  stop it: scripts/stop-all.sh"
      exit 0
    fi
  done
  sleep 0.1
done
die "no ResourceManager became active (see $D/rm*.log)"
