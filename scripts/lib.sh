# Shared helpers for goyarn's scripts; source it.
# Daemons started here run in the background with their pid, log and ready
# files under $GOYARN_RUN_DIR (default: the layout's run-dir, else
# /tmp/goyarn/run). The layout is conf/goyarn.yaml (or $GOYARN_CONF_DIR's),
# read through `bin/goyarn getconf`, so no script parses YAML.

GOYARN_HOME=${GOYARN_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
GOYARN_BIN=${GOYARN_BIN:-$GOYARN_HOME/bin}
GOYARN_SSH=${GOYARN_SSH:-ssh}

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# layout_get ARGS... — `goyarn getconf ARGS`; nothing when goyarn is not built.
layout_get() {
  [ -x "$GOYARN_BIN/goyarn" ] || return 0
  "$GOYARN_BIN/goyarn" getconf "$@"
}

if [ -z "${GOYARN_RUN_DIR:-}" ]; then
  GOYARN_RUN_DIR=$(layout_get -key run-dir 2>/dev/null || true)
  GOYARN_RUN_DIR=${GOYARN_RUN_DIR:-/tmp/goyarn/run}
fi

# is_local HOST — HOST is this machine: a loopback name or address, its
# name, or one of its addresses.
is_local() {
  case "$1" in localhost | 127.* | ::1 | "$(hostname)" | "$(hostname -f 2>/dev/null)") return 0 ;; esac
  local a
  for a in $(hostname -I 2>/dev/null); do [ "$a" = "$1" ] && return 0; done
  return 1
}

# on_host HOST COMMAND — run a command line of this checkout's on HOST: here
# when it is local, else over $GOYARN_SSH (ssh) in the same directory there.
on_host() {
  local host=$1; shift
  if is_local "$host"; then
    (cd "$GOYARN_HOME" && bash -c "$*") </dev/null
  else
    # </dev/null: ssh must not eat the rest of a `while read` loop's input.
    $GOYARN_SSH "$host" "cd '$GOYARN_HOME' && GOYARN_RUN_DIR='$GOYARN_RUN_DIR' ${GOYARN_CONF_DIR:+GOYARN_CONF_DIR='$GOYARN_CONF_DIR'} $*" </dev/null
  fi
}

# host_of HOST:PORT — the host part.
host_of() { echo "${1%:*}"; }

# start_daemon NAME BINARY ARGS... — start in the background, wait for its
# ready file (30 s), print where it listens.
start_daemon() {
  local name=$1 bin=$2; shift 2
  mkdir -p "$GOYARN_RUN_DIR"
  local pidf="$GOYARN_RUN_DIR/$name.pid" ready="$GOYARN_RUN_DIR/$name.ready.json" log="$GOYARN_RUN_DIR/$name.log"
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
    die "$name already runs (pid $(cat "$pidf")); stop it first (scripts/stop-all.sh)"
  fi
  [ -x "$GOYARN_BIN/$bin" ] || die "$GOYARN_BIN/$bin not found: run make build"
  rm -f "$ready"
  nohup "$GOYARN_BIN/$bin" "$@" --ready-file "$ready" >"$log" 2>&1 &
  echo $! >"$pidf"
  local i
  for i in $(seq 300); do
    [ -s "$ready" ] && { say "started $name (pid $(cat "$pidf"), log $log)"; return 0; }
    kill -0 "$(cat "$pidf")" 2>/dev/null || { tail -20 "$log" >&2; die "$name exited during start-up"; }
    sleep 0.1
  done
  tail -20 "$log" >&2
  die "$name did not become ready within 30 s"
}

# stop_daemon NAME — SIGTERM, wait up to 15 s, then SIGKILL.
stop_daemon() {
  local name=$1 pidf="$GOYARN_RUN_DIR/$1.pid" pid i
  [ -f "$pidf" ] || return 0
  pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop in 15 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$pidf" "$GOYARN_RUN_DIR/$name.ready.json"
}

# json_field FILE KEY — a top-level string field of a JSON file.
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
