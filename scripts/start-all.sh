#!/usr/bin/env bash
# Start the goyarn cluster that the layout describes (conf/goyarn.yaml, or
# $GOYARN_CONF_DIR/goyarn.yaml; see `bin/goyarn getconf`), as Hadoop's
# start-yarn.sh and Spark's sbin/start-all.sh do:
#   1. the ZooKeeper servers listed under 'zookeeper' (scripts/zk-ensemble.sh),
#   2. every ResourceManager under 'resourcemanagers' (each binds and
#      advertises its web and rpc address; they elect an active one),
#   3. a NodeManager for every line of conf/workers (host names or addresses;
#      a host listed twice runs two NodeManagers, on ports 8040/8042, then
#      8050/8052, …).
# Daemons on this machine start directly; the others over ssh ($GOYARN_SSH),
# running this checkout's scripts at the same path on that host, whose
# conf/ must hold the same layout and secret files (docs/DEPLOY.md).
# Then it prints which RM is active. Stop everything with scripts/stop-all.sh.
#
# Environment: GOYARN_WORKERS (default conf/workers), GOYARN_RUN_DIR (default
# the layout's run-dir), GOYARN_NM_MEMORY_MB (4096), GOYARN_NM_VCORES (4).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ -x "$GOYARN_BIN/goyarn" ] || die "$GOYARN_BIN/goyarn not found: run make build"
confdir=$(layout_get -confDir) || die "the layout cannot be read"
[ -n "$confdir" ] || die "no goyarn.yaml found (conf/goyarn.yaml or \$GOYARN_CONF_DIR)"
WORKERS=${GOYARN_WORKERS:-$confdir/workers}
[ -f "$WORKERS" ] || WORKERS=$GOYARN_HOME/conf/workers
D=$GOYARN_RUN_DIR
say "layout: $confdir/goyarn.yaml; workers: $WORKERS; run dir: $D"
mkdir -p "$D"
for key in staging remote-app-log-dir; do
  url=$(layout_get -key "$key")
  [[ $url == file://* ]] && mkdir -p "${url#file://}"
done

# 1. ZooKeeper: the local servers here, each remote one on its host.
mapfile -t zks < <(layout_get -zookeeper)
if [ ${#zks[@]} -gt 0 ]; then
  for i in "${!zks[@]}"; do
    h=$(host_of "${zks[$i]}")
    is_local "$h" || on_host "$h" "ZK_NO_WAIT=1 scripts/zk-ensemble.sh start $((i + 1))"
  done
  "$(dirname "$0")/zk-ensemble.sh" start
fi

# 2. ResourceManagers: each takes its addresses from the layout by its id.
while read -r id web _; do
  h=$(host_of "$web")
  if is_local "$h"; then
    start_daemon "$id" resourcemanager --ha-id "$id"
  else
    on_host "$h" "scripts/start-resourcemanager.sh $id --ha-id $id"
  fi
done < <(layout_get -resourcemanagers)

# 3. NodeManagers: the k-th NodeManager of a host uses RPC port 8030+10k
#    and web port 8032+10k.
declare -A per_host=()
n=0
while read -r host _; do
  [ -z "$host" ] || [[ $host == \#* ]] && continue
  n=$((n + 1))
  [ "$host" = localhost ] && host=127.0.0.1
  k=$((${per_host[$host]:-0} + 1))
  per_host[$host]=$k
  port=$((8030 + 10 * k))
  args="--hostname $host --rpc-address $host:$port --web-address $host:$((port + 2))"
  args+=" --memory-mb ${GOYARN_NM_MEMORY_MB:-4096} --vcores ${GOYARN_NM_VCORES:-4}"
  args+=" --local-dirs $D/nm$n/local --log-dirs $D/nm$n/logs --state-dir $D/nm$n/state"
  if is_local "$host"; then
    # shellcheck disable=SC2086
    start_daemon "nm$n" nodemanager $args
  else
    on_host "$host" "scripts/start-nodemanager.sh nm$n $args"
  fi
done <"$WORKERS"

mapfile -t rms < <(layout_get -resourcemanagers)
for i in $(seq 300); do
  for line in "${rms[@]}"; do
    read -r id web _ <<<"$line"
    state=$(curl -sf "http://$web/ws/v1/cluster/info" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clusterInfo"]["haState"])' 2>/dev/null || true)
    if [ "$state" = ACTIVE ]; then
      say ""
      say "active ResourceManager: $id (http://$web/cluster)"
      say "see it:  bin/goyarn rmadmin -getAllServiceState;  stop it: scripts/stop-all.sh"
      exit 0
    fi
  done
  sleep 0.1
done
die "no ResourceManager became active within 30 s (see $D/rm*.log)"
