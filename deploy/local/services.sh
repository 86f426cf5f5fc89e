#!/usr/bin/env bash
# Run the platform's Python services detached, one process per instance.
# Usage: services.sh {start|stop|status} [NAME...]   (default: all four)
#   NAME: uploader pseudonymiser matcher reporter
#   MATCHER_INSTANCES=N starts matcher-1..N on ports 8003, 8013, 8023, ...
# Environment: .state/platform.env; a variable already set in the caller's
# environment wins (e.g. UPLOADER_TOPIC_PREFIX=run42 services.sh start uploader).
# Logs: .state/logs/<instance>.log   pids: .state/run/<instance>.pid
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL=(uploader pseudonymiser matcher reporter)
declare -A BASE_PORT=([uploader]=8001 [pseudonymiser]=8002 [matcher]=8003 [reporter]=8004)
PY="$VENV/bin/python"

installed() {
  [[ -x $PY ]] && "$PY" -c "import importlib.util as u, sys; sys.exit(u.find_spec('leap_$1') is None)" 2>/dev/null
}

# instances SVC: one "instance port" line per process to run.
instances() {
  local n=1 i
  [[ $1 == matcher ]] && n=${MATCHER_INSTANCES:-1}
  if ((n == 1)); then echo "$1 ${BASE_PORT[$1]}"; return; fi
  for ((i = 1; i <= n; i++)); do echo "$1-$i $((BASE_PORT[$1] + 10 * (i - 1)))"; done
}

# Existing pid files of SVC, whatever MATCHER_INSTANCES was when they started.
pidfiles() { { compgen -G "$RUN/$1.pid" || true; compgen -G "$RUN/$1-[0-9]*.pid" || true; } | sort -V; }

http_ok() {
  if command -v curl >/dev/null; then curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
  else python3 -c 'import sys, urllib.request as r; sys.exit(r.urlopen(sys.argv[1], timeout=2).status != 200)' "$1" 2>/dev/null; fi
}

# launch SVC INSTANCE PORT: start detached; prints "instance pid port" to wait on.
launch() {
  local svc=$1 inst=$2 port=$3 pid
  if pid=$(pid_of "$RUN/$inst.pid" "leap_$svc"); then
    echo "$inst: already running (pid $pid, port $port)" >&2; echo "$inst $pid $port"; return 0
  fi
  if port_open 127.0.0.1 "$port"; then
    local f
    for f in $(pidfiles "$svc"); do   # e.g. "matcher" running, now asked for matcher-1..N
      pid_of "$f" "leap_$svc" >/dev/null && die "$inst: port $port is held by $(basename "$f" .pid); run 'services.sh stop $svc' first"
    done
    die "$inst: port $port is in use by a process we did not start"
  fi
  echo "$inst: starting on 127.0.0.1:$port" >&2
  echo "=== $(date -u +%FT%TZ) services.sh: starting $inst on port $port" >>"$LOGS/$inst.log"
  (
    load_platform_env
    export "${svc^^}_HTTP_PORT=$port"
    cd "$ROOT"
    # setsid: own session and process group, so stop can signal the whole group.
    exec setsid "$PY" -m "leap_$svc" >>"$LOGS/$inst.log" 2>&1 </dev/null
  ) >&2 &   # never hold the $(launch ...) pipe open
  pid=$!
  echo "$pid" >"$RUN/$inst.pid"
  echo "$inst $pid $port"
}

start() {
  [[ -f $ENV_FILE ]] || die "missing $ENV_FILE (run deploy/local/install.sh)"
  local svc inst pid port line launched=()
  for svc in "$@"; do
    if ! installed "$svc"; then echo "$svc: package leap_$svc not installed; skipping"; continue; fi
    while read -r inst port; do launched+=("$(launch "$svc" "$inst" "$port")"); done < <(instances "$svc")
  done
  # All processes start in parallel; now wait for each to report ready.
  for line in "${launched[@]}"; do
    read -r inst pid port <<<"$line"
    wait_for "$START_TIMEOUT" "$inst http://127.0.0.1:$port/health/ready" "$LOGS/$inst.log" "$pid" \
      http_ok "http://127.0.0.1:$port/health/ready" || die "$inst: not ready (log: $LOGS/$inst.log)"
    echo "$inst: ready (pid $pid, http://127.0.0.1:$port)"
  done
}

stop() {
  local svc f
  for svc in "$@"; do
    for f in $(pidfiles "$svc"); do stop_pid "$f" "leap_$svc" "$(basename "$f" .pid)" 30; done
  done
}

status() {
  local svc f inst pid port rc=0
  for svc in "$@"; do
    if ! installed "$svc"; then status_line "$svc" "not installed"; continue; fi
    local files; files=$(pidfiles "$svc")
    if [[ -z $files ]]; then status_line "$svc" stopped; rc=3; continue; fi
    for f in $files; do
      inst=$(basename "$f" .pid)
      if ! pid=$(pid_of "$f" "leap_$svc"); then status_line "$inst" "stopped (stale)"; rc=3; continue; fi
      # the listening port is read back from the process environment
      port=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n "s/^${svc^^}_HTTP_PORT=//p")
      if http_ok "http://127.0.0.1:$port/health/ready"; then status_line "$inst" ready "$pid" "http://127.0.0.1:$port"
      else status_line "$inst" "not ready" "$pid" "http://127.0.0.1:$port"; rc=3; fi
    done
  done
  return $rc
}

cmd=${1:-}; shift || true
[[ ${MATCHER_INSTANCES:-1} =~ ^[1-9][0-9]*$ ]] || die "MATCHER_INSTANCES must be a positive integer, not '$MATCHER_INSTANCES'"
names=("$@"); ((${#names[@]})) || names=("${ALL[@]}")
for n in "${names[@]}"; do [[ -n ${BASE_PORT[$n]:-} ]] || die "unknown service '$n' (one of: ${ALL[*]})"; done
case $cmd in
  start) start "${names[@]}" ;;
  stop) stop "${names[@]}" ;;
  status) status "${names[@]}" ;;
  *) echo "usage: $0 {start|stop|status} [NAME...]" >&2; exit 2 ;;
esac
