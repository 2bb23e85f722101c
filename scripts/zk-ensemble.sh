#!/usr/bin/env bash
# The ZooKeeper ensemble of goyarn's HA, no systemd:
#   zk-ensemble.sh start [N] | stop | status
# The servers are the layout's (conf/goyarn.yaml 'zookeeper', through
# bin/goyarn getconf), else $ZK_HOSTS (comma-separated host:port), else
# three on loopback (client ports 2181-2183). Server N's peer and election
# ports are its client port + 707 and + 1707 (2181 -> 2888, 3888). start
# starts every server whose host is this machine, or only server N;
# start-all.sh runs `start N` over ssh on the other hosts. Data, config,
# logs and pid files live under ${GOYARN_RUN_DIR:-/tmp/goyarn/run}/zk.
# Debian's zookeeper package is installed when its jar is missing. start
# is idempotent; stop kills by pid.
#
# Environment: ZK_HOSTS, ZK_SERVERS=1 (one standalone loopback server when
# nothing else names the servers), ZK_TICK_MS (500: sessions of 1-60 s
# allowed), ZK_JAR (/usr/share/java/zookeeper.jar), ZK_WAIT_S (60: how long
# start waits for a quorum).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ZK_TICK_MS=${ZK_TICK_MS:-500}
ZK_JAR=${ZK_JAR:-/usr/share/java/zookeeper.jar}
ZK_WAIT_S=${ZK_WAIT_S:-60}
ZK_DIR="$GOYARN_RUN_DIR/zk"

if [ -z "${ZK_HOSTS:-}" ]; then
  ZK_HOSTS=$(layout_get -zookeeper | paste -sd, -)
fi
if [ -z "$ZK_HOSTS" ]; then
  case "${ZK_SERVERS:-3}" in
    1) ZK_HOSTS=127.0.0.1:2181 ;;
    3) ZK_HOSTS=127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183 ;;
    *) die "ZK_SERVERS must be 1 or 3 (or list ZK_HOSTS)" ;;
  esac
fi
IFS=, read -r -a ZK_LIST <<<"$ZK_HOSTS"
ZK_SERVERS=${#ZK_LIST[@]}

zk_host() { local hp=${ZK_LIST[$(($1 - 1))]}; echo "${hp%:*}"; }
client_port() { local hp=${ZK_LIST[$(($1 - 1))]}; echo "${hp##*:}"; }
pidfile() { echo "$ZK_DIR/zk$1.pid"; }
# running N — zkN's pid file names a live (not zombie) server of this config.
running() {
  local f pid; f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 1
  [ -r "/proc/$pid/stat" ] || return 0 # no procfs: trust kill -0
  [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$ZK_DIR/zk$1/zoo.cfg"
}

# flw HOST PORT WORD — a four-letter word over bash's /dev/tcp (no nc needed).
flw() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf %s "$3" >&3 && cat <&3' _ "$1" "$2" "$3" 2>/dev/null || true
}

# mode N — leader, follower, standalone, or nothing when not serving.
mode() { flw "$(zk_host "$1")" "$(client_port "$1")" srvr | sed -n 's/^Mode: //p'; }

install_zookeeper() {
  [ -f "$ZK_JAR" ] && command -v java >/dev/null 2>&1 && return 0
  say "installing ZooKeeper (Debian package zookeeper)"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq zookeeper
  [ -f "$ZK_JAR" ] || die "$ZK_JAR still missing after installing zookeeper"
}

write_config() {
  local n=$1 dir="$ZK_DIR/zk$1" i
  mkdir -p "$dir/data"
  echo "$n" >"$dir/data/myid"
  {
    echo "tickTime=$ZK_TICK_MS"
    echo "dataDir=$dir/data"
    echo "clientPort=$(client_port "$n")"
    echo "clientPortAddress=$(zk_host "$n")"
    echo "maxSessionTimeout=60000"
    echo "admin.enableServer=false"
    echo "4lw.commands.whitelist=*"
    echo "preAllocSize=4096"
    echo "autopurge.snapRetainCount=3"
    echo "autopurge.purgeInterval=1"
    if [ "$ZK_SERVERS" -gt 1 ]; then
      echo "initLimit=20"
      echo "syncLimit=5"
      for i in $(seq "$ZK_SERVERS"); do
        local p; p=$(client_port "$i")
        echo "server.$i=$(zk_host "$i"):$((p + 707)):$((p + 1707))"
      done
    fi
  } >"$dir/zoo.cfg"
}

start_server() {
  local n=$1 dir="$ZK_DIR/zk$1"
  if running "$n"; then
    say "zk$n already runs (pid $(cat "$(pidfile "$n")"))"
    return 0
  fi
  write_config "$n"
  local cp="$ZK_JAR"
  [ -f "$(dirname "$ZK_JAR")/slf4j-simple.jar" ] && cp="$cp:$(dirname "$ZK_JAR")/slf4j-simple.jar"
  nohup java -Xmx256m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" \
    >>"$dir/zookeeper.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$n")"
  say "started zk$n on $(zk_host "$n"):$(client_port "$n") (pid $!, log $dir/zookeeper.log)"
}

connect_string() { echo "$ZK_HOSTS"; }

# local_servers — the numbers of the servers on this machine.
local_servers() {
  local i
  for i in $(seq "$ZK_SERVERS"); do is_local "$(zk_host "$i")" && echo "$i"; done
  return 0
}

# cmd_start [N] — start server N, or every local one; wait until every
# server of the ensemble serves (remote ones may be started meanwhile).
cmd_start() {
  install_zookeeper
  mkdir -p "$ZK_DIR"
  local i waited=0 mine
  mine=${1:-$(local_servers)}
  [[ -n $mine ]] || { say "no ZooKeeper server of $ZK_HOSTS is on this host"; return 0; }
  for i in $mine; do start_server "$i"; done
  [ -n "${ZK_NO_WAIT:-}" ] && return 0
  while :; do
    local serving=0
    for i in $(seq "$ZK_SERVERS"); do
      if [[ " $mine " == *" $i "* ]] && ! running "$i"; then
        tail -20 "$ZK_DIR/zk$i/zookeeper.log" >&2
        die "zk$i exited during start-up"
      fi
      case "$(mode "$i")" in leader | follower | standalone) serving=$((serving + 1)) ;; esac
    done
    [ "$serving" -eq "$ZK_SERVERS" ] && break
    [ "$waited" -ge $((ZK_WAIT_S * 10)) ] && die "no quorum after ${ZK_WAIT_S}s; see $ZK_DIR/zk*/zookeeper.log"
    sleep 0.1
    waited=$((waited + 1))
  done
  cmd_status
}

cmd_stop() {
  local i pid j
  for i in $(seq 9); do # every server a previous run may have started
    local f; f=$(pidfile "$i")
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if running "$i"; then
      kill -TERM "$pid" 2>/dev/null || true
      for j in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      say "stopped zk$i (pid $pid)"
    fi
    rm -f "$f"
  done
}

cmd_status() {
  local i all=0 m
  for i in $(seq "$ZK_SERVERS"); do
    if running "$i"; then
      m=$(mode "$i")
      say "zk$i $(zk_host "$i"):$(client_port "$i") pid $(cat "$(pidfile "$i")") ${m:-not serving}"
      [ -n "$m" ] || all=1
    else
      m=$(mode "$i")
      say "zk$i $(zk_host "$i"):$(client_port "$i") ${m:+$m (}not running here${m:+)}"
      [ -n "$m" ] || all=1
      continue
    fi
  done
  say "connect string: $(connect_string)"
  return $all
}

case "${1:-}" in
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: $0 start [N]|stop|status" ;;
esac
